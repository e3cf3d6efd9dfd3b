package dev.nexussecurity.codec.tink;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.nexussecurity.api.archunit.ModuleBoundaryRules;
import java.util.Map;

/**
 * Module boundaries of codec-tink: of core it uses only the key directory and namespace keys, its
 * internals do not depend on its tools, it uses no other code base's internal packages (Tink's,
 * Temporal's, other modules'), and its public API exposes no internal type.
 */
@AnalyzeClasses(
    packages = "dev.nexussecurity.codec.tink",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ModuleArchitectureTest {

  @ArchTest
  static final ArchRule codecUsesOnlyCoreKeys =
      noClasses()
          .should()
          .dependOnClassesThat(
              JavaClass.Predicates.resideInAPackage("dev.nexussecurity.core..")
                  .and(
                      DescribedPredicate.not(
                          JavaClass.Predicates.resideInAPackage("dev.nexussecurity.core.keys"))))
          .because(
              "the codec uses core's namespace keys and key directory only; everything else reaches"
                  + " core through the api's DescribedCodec SPI");

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
