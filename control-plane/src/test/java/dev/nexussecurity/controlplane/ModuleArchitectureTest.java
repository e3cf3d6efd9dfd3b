package dev.nexussecurity.controlplane;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Module boundaries of the control plane. */
class ModuleArchitectureTest {
  private static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.nexussecurity.controlplane");

  @Test
  void serverCodeDoesNotDependOnTestFixturesOrExamples() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.nexussecurity.testing..", "dev.nexussecurity.examples..")
        .check(CLASSES);
  }

  @Test
  void internalDoesNotDependOnThePublicEntryPoint() {
    noClasses()
        .that()
        .resideInAPackage("..controlplane.internal..")
        .should()
        .dependOnClassesThat()
        .haveFullyQualifiedName(ControlPlaneServer.class.getName())
        .check(CLASSES);
  }

  @Test
  void theCommandLineClient_usesNoServerClasses() {
    // its jar holds picocli and Jackson only, besides this module's classes
    noClasses()
        .that()
        .resideInAPackage("..controlplane.cli..")
        .should()
        .dependOnClassesThat()
        .resideOutsideOfPackages(
            "..controlplane.cli..", "java..", "javax.net..", "picocli..", "com.fasterxml.jackson..")
        .check(CLASSES);
  }

  @Test
  void publicApi_exposesNoInternalTypes() {
    List<String> leaks = new ArrayList<>();
    for (JavaClass c : CLASSES) {
      if (c.getPackageName().contains(".internal")
          || !c.getModifiers().contains(JavaModifier.PUBLIC)) {
        continue;
      }
      for (JavaCodeUnit m : c.getCodeUnits()) {
        if (!m.getModifiers().contains(JavaModifier.PUBLIC)) {
          continue;
        }
        m.getParameterTypes().stream()
            .map(t -> t.toErasure().getName())
            .filter(n -> n.contains(".internal."))
            .forEach(n -> leaks.add(m.getFullName() + " takes " + n));
        if (m.getRawReturnType().getName().contains(".internal.")) {
          leaks.add(m.getFullName() + " returns " + m.getRawReturnType().getName());
        }
      }
    }
    assertThat(leaks).isEmpty();
  }
}
