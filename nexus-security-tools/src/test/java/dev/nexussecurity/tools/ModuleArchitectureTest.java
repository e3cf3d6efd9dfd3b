package dev.nexussecurity.tools;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.nexussecurity.api.archunit.ModuleBoundaryRules;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Module boundaries of nexus-security-tools: it manages keys with core's public key types and
 * core's own key file readers and writers (so the command writes exactly what the library loads),
 * never with the payload codec's classes; its internals do not reach back to the entry point, and
 * its public API exposes no internal type.
 */
@AnalyzeClasses(
    packages = "dev.nexussecurity.tools",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ModuleArchitectureTest {
  private static final String SAME_FORMATS =
      "writes the key files core's loaders read (KeysetFiles, NamespaceKeyFiles, TinkKeysets in"
          + " core.internal.keys), released together with core; one implementation of each format";

  @ArchTest
  static final ArchRule usesNoForeignInternalPackages =
      ModuleBoundaryRules.noForeignInternalPackages(
          "dev.nexussecurity.tools",
          justified(
              "dev.nexussecurity.tools.internal.Commands",
              "dev.nexussecurity.tools.internal.Commands$LeafCommand",
              "dev.nexussecurity.tools.internal.CommandContext",
              "dev.nexussecurity.tools.internal.ProtectionOptions",
              "dev.nexussecurity.tools.internal.KeyTypes",
              "dev.nexussecurity.tools.internal.KeysetCommands",
              "dev.nexussecurity.tools.internal.KeysetCommands$Wrap",
              "dev.nexussecurity.tools.internal.KeysetCommands$PublicKeyset",
              "dev.nexussecurity.tools.internal.NamespaceKeysCommands",
              "dev.nexussecurity.tools.internal.NamespaceKeysCommands$Rotate",
              "dev.nexussecurity.tools.internal.NamespaceKeysCommands$ExportPublic",
              "dev.nexussecurity.tools.internal.NamespaceKeysCommands$Wrap"));

  private static Map<String, String> justified(String... classes) {
    return Stream.of(classes).collect(Collectors.toMap(c -> c, c -> SAME_FORMATS));
  }

  @ArchTest
  static final ArchRule publicApiExposesNoInternalTypes =
      ModuleBoundaryRules.publicApiExposesNoInternalTypes("dev.nexussecurity.tools");

  @ArchTest
  static final ArchRule doesNotUseThePayloadCodec =
      noClasses()
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.nexussecurity.codec..",
              "dev.nexussecurity.testing..",
              "dev.nexussecurity.examples..")
          .because("payload keysets are plain Tink AEAD keysets, loaded by core's KeysetSource");

  @ArchTest
  static final ArchRule internalDoesNotDependOnTheEntryPoint =
      noClasses()
          .that()
          .resideInAPackage("..tools.internal..")
          .should()
          .dependOnClassesThat()
          .haveFullyQualifiedName(NexusSecurityKeys.class.getName());
}
