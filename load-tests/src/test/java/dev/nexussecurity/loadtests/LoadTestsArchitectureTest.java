package dev.nexussecurity.loadtests;

import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.nexussecurity.api.archunit.ModuleBoundaryRules;
import java.util.Map;

/**
 * Module boundaries of the load tests (test code only, so its tests are what is analysed): they
 * drive the library through its published API, never through another module's or library's internal
 * packages, as a user's tests would.
 */
@AnalyzeClasses(packages = "dev.nexussecurity.loadtests")
class LoadTestsArchitectureTest {

  @ArchTest
  static final ArchRule usesNoForeignInternalPackages =
      ModuleBoundaryRules.noForeignInternalPackages("dev.nexussecurity.loadtests", Map.of());

  @ArchTest
  static final ArchRule publicApiExposesNoInternalTypes =
      ModuleBoundaryRules.publicApiExposesNoInternalTypes("dev.nexussecurity.loadtests");
}
