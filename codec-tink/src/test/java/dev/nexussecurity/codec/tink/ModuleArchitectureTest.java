package dev.nexussecurity.codec.tink;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.nexussecurity.api.archunit.ModuleBoundaryRules;
import java.util.Map;

/**
 * Module boundaries of codec-tink: of core it uses only the public key loading API ({@code
 * dev.nexussecurity.core.keys}), it uses no other code base's internal packages (Tink's,
 * Temporal's, other modules'), and its public API exposes no internal type.
 */
@AnalyzeClasses(
    packages = "dev.nexussecurity.codec.tink",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ModuleArchitectureTest {

  @ArchTest
  static final ArchRule codecUsesOnlyCoresKeyLoading =
      noClasses()
          .should()
          .dependOnClassesThat(
              com.tngtech.archunit.base.DescribedPredicate.describe(
                  "core classes outside dev.nexussecurity.core.keys",
                  c ->
                      c.getPackageName().startsWith("dev.nexussecurity.core")
                          && !c.getPackageName().equals("dev.nexussecurity.core.keys")))
          .because(
              "codecs reach core only through the api's DescribedCodec SPI and core's key loading");

  @ArchTest
  static final ArchRule noKeyToolsInTheRuntimeJar =
      noClasses()
          .should()
          .resideInAPackage("..codec.tink.tools..")
          .because("key tools live in nexus-security-tools, not in the runtime codec jar")
          .allowEmptyShould(true);

  @ArchTest
  static final ArchRule usesNoForeignInternalPackages =
      ModuleBoundaryRules.noForeignInternalPackages("dev.nexussecurity.codec.tink", Map.of());

  @ArchTest
  static final ArchRule publicApiExposesNoInternalTypes =
      ModuleBoundaryRules.publicApiExposesNoInternalTypes("dev.nexussecurity.codec.tink");
}
