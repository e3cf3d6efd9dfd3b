package dev.nexussecurity.api.archunit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.EvaluationResult;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Shows that each shared rule reports a violation when there is one, and only then. */
class ModuleBoundaryRulesTest {
  private static final String FIXTURE = "dev.nexussecurity.api.archunit.fixture";
  private static final JavaClasses CLASSES = new ClassFileImporter().importPackages(FIXTURE);

  @Test
  void dependOnlyOnTheJdk_reportsALibraryDependency() {
    EvaluationResult result =
        ModuleBoundaryRules.dependOnlyOnTheJdk(FIXTURE + ".jdkonly").evaluate(CLASSES);

    assertThat(result.hasViolation()).isTrue();
    assertThat(result.getFailureReport().getDetails())
        .allSatisfy(line -> assertThat(line).contains("UsesALibrary"))
        .noneSatisfy(line -> assertThat(line).contains("OnlyJdk."));
  }

  @Test
  void noForeignInternalPackages_reportsOnlyTheForeignUse() {
    EvaluationResult result =
        ModuleBoundaryRules.noForeignInternalPackages(FIXTURE + ".mine", Map.of())
            .evaluate(CLASSES);

    assertThat(result.hasViolation()).isTrue();
    assertThat(result.getFailureReport().getDetails())
        .isNotEmpty()
        .allSatisfy(line -> assertThat(line).contains("UsesForeignInternal"));
  }

  @Test
  void noForeignInternalPackages_acceptsAJustifiedUser() {
    EvaluationResult result =
        ModuleBoundaryRules.noForeignInternalPackages(
                FIXTURE + ".mine",
                Map.of(FIXTURE + ".mine.UsesForeignInternal", "fixture: no public alternative"))
            .evaluate(CLASSES);

    assertThat(result.hasViolation()).isFalse();
  }

  @Test
  void noForeignInternalPackages_withoutJustification_isRefused() {
    assertThatThrownBy(
            () ->
                ModuleBoundaryRules.noForeignInternalPackages(
                    FIXTURE + ".mine", Map.of(FIXTURE + ".mine.UsesForeignInternal", " ")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs a justification");
  }

  @Test
  void publicApiExposesNoInternalTypes_reportsOnlyThePublicMethodAndConstructor() {
    EvaluationResult result =
        ModuleBoundaryRules.publicApiExposesNoInternalTypes(FIXTURE + ".mine").evaluate(CLASSES);

    assertThat(result.hasViolation()).isTrue();
    assertThat(result.getFailureReport().getDetails())
        .hasSize(2)
        .anySatisfy(line -> assertThat(line).contains("ExposesOwnInternal.accept("))
        .anySatisfy(line -> assertThat(line).contains("ExposesOwnInternal.<init>("));
  }
}
