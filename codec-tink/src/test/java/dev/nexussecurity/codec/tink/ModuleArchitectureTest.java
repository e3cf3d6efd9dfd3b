package dev.nexussecurity.codec.tink;

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

/** Module boundaries of codec-tink. */
class ModuleArchitectureTest {
  private static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.nexussecurity.codec.tink");

  @Test
  void codecDoesNotDependOnCore() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.nexussecurity.core..")
        .check(CLASSES);
  }

  @Test
  void internalDoesNotDependOnTools() {
    noClasses()
        .that()
        .resideInAPackage("..codec.tink.internal..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("..codec.tink.tools..")
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
        String ret = m.getRawReturnType().getName();
        if (ret.contains(".internal.")) {
          leaks.add(m.getFullName() + " returns " + ret);
        }
      }
    }
    assertThat(leaks).isEmpty();
  }
}
