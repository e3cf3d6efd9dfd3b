package dev.nexussecurity.examples;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.nexussecurity.api.archunit.ModuleBoundaryRules;
import java.util.Map;

/** Code users copy uses the public API only. */
@AnalyzeClasses(
    packages = "dev.nexussecurity.examples",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ExamplesArchitectureTest {

  @ArchTest
  static final ArchRule usesNoForeignInternalPackages =
      ModuleBoundaryRules.noForeignInternalPackages("dev.nexussecurity.examples", Map.of());

  @ArchTest
  static final ArchRule usesNoSharedInternalHelpers =
      noClasses()
          .that()
          .resideInAPackage("dev.nexussecurity.examples..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage(ModuleBoundaryRules.SHARED_INTERNAL_PACKAGE + "..")
          .because(
              "the project's shared helpers are internal to the library, and users copy this code");

  @ArchTest
  static final ArchRule publicApiExposesNoInternalTypes =
      ModuleBoundaryRules.publicApiExposesNoInternalTypes("dev.nexussecurity.examples");

  @ArchTest
  static final ArchRule workflowAndServiceCode_doesNotDependOnTheTestFixturesOrTheDemo =
      noClasses()
          .that()
          .resideInAnyPackage(
              "dev.nexussecurity.examples.orders..", "dev.nexussecurity.examples.payments..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("dev.nexussecurity.testing..", "dev.nexussecurity.examples");
}
