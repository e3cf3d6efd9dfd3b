package dev.nexussecurity.examples;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Code users copy uses the public API only. */
class ExamplesArchitectureTest {
  private static final JavaClasses EXAMPLES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.nexussecurity.examples");

  @Test
  void examples_useNoInternalPackageOfTheLibrary() {
    noClasses()
        .that()
        .resideInAPackage("dev.nexussecurity.examples..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.nexussecurity.core.internal..",
            "dev.nexussecurity.codec.tink.internal..",
            "dev.nexussecurity.testing.internal..",
            "io.temporal.internal..")
        .check(EXAMPLES);
  }

  @Test
  void workflowAndServiceCode_doesNotDependOnTheTestFixturesOrTheDemo() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "dev.nexussecurity.examples.orders..", "dev.nexussecurity.examples.payments..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.nexussecurity.testing..", "dev.nexussecurity.examples")
        .check(EXAMPLES);
  }
}
