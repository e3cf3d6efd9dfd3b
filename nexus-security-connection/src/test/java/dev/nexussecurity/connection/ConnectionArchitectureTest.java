package dev.nexussecurity.connection;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.nexussecurity.api.archunit.ModuleBoundaryRules;
import java.util.Map;

/**
 * Module boundaries of nexus-security-connection: it stands beside core (a worker may use either
 * without the other), uses no other code base's internals, and its public API exposes no internal
 * type.
 */
@AnalyzeClasses(
    packages = "dev.nexussecurity.connection",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ConnectionArchitectureTest {

  @ArchTest
  static final ArchRule doesNotDependOnOtherModules =
      noClasses()
          .that()
          .resideInAPackage("dev.nexussecurity.connection..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.nexussecurity.core..",
              "dev.nexussecurity.codec..",
              "dev.nexussecurity.testing..")
          .because("connection security depends on the api module only among ours");

  @ArchTest
  static final ArchRule usesNoForeignInternalPackages =
      ModuleBoundaryRules.noForeignInternalPackages("dev.nexussecurity.connection", Map.of());

  @ArchTest
  static final ArchRule publicApiExposesNoInternalTypes =
      ModuleBoundaryRules.publicApiExposesNoInternalTypes("dev.nexussecurity.connection");
}
