package dev.nexussecurity.testing;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;

/**
 * The Temporal test server's internal classes ({@code io.temporal.internal.testservice}, pinned to
 * temporal-testing 1.38.0) are used by one class only, so an upgrade has one place to re-verify.
 */
class TestServerInternalsConfinementTest {
  private static final JavaClasses MAIN_CLASSES = importMainClasses();

  /** This module's main classes only (its own output directory or jar), not the whole classpath. */
  private static JavaClasses importMainClasses() {
    try {
      Path location =
          Paths.get(
              EmbeddedTemporal.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPath(location);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void onlyInProcessTemporalServer_usesTestServerInternals() {
    noClasses()
        .that()
        .doNotHaveFullyQualifiedName("dev.nexussecurity.testing.internal.InProcessTemporalServer")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.temporal.internal.testservice..")
        .check(MAIN_CLASSES);
  }

  @Test
  void publicPackage_usesNoTemporalInternals() {
    noClasses()
        .that()
        .resideInAPackage("dev.nexussecurity.testing")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.temporal.internal..")
        .check(MAIN_CLASSES);
  }
}
