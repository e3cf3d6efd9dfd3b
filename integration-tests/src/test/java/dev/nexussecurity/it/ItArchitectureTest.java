package dev.nexussecurity.it;

import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.nexussecurity.api.archunit.ModuleBoundaryRules;
import java.util.Map;

/**
 * Module boundaries of the integration tests (this module has test code only, so its tests are what
 * is analysed): they drive the library through its published API, never through another module's or
 * library's internal packages, exactly as a user's tests would.
 */
@AnalyzeClasses(packages = "dev.nexussecurity.it")
class ItArchitectureTest {

  @ArchTest
  static final ArchRule usesNoForeignInternalPackages =
      ModuleBoundaryRules.noForeignInternalPackages("dev.nexussecurity.it", Map.of());

  @ArchTest
  static final ArchRule publicApiExposesNoInternalTypes =
      ModuleBoundaryRules.publicApiExposesNoInternalTypes("dev.nexussecurity.it");
}
