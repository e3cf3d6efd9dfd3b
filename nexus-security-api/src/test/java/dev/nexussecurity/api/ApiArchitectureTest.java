package dev.nexussecurity.api;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.nexussecurity.api.archunit.ModuleBoundaryRules;
import java.util.Map;

/**
 * Module boundaries of nexus-security-api: the shared contract depends on the JDK only, and its
 * public API exposes none of the project's shared internal helpers.
 */
@AnalyzeClasses(
    packages = "dev.nexussecurity.api",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ApiArchitectureTest {

  @ArchTest
  static final ArchRule dependsOnlyOnTheJdk =
      ModuleBoundaryRules.dependOnlyOnTheJdk("dev.nexussecurity.api");

  @ArchTest
  static final ArchRule usesNoInternalPackages =
      ModuleBoundaryRules.noForeignInternalPackages("dev.nexussecurity.api", Map.of());

  @ArchTest
  static final ArchRule publicApiExposesNoInternalTypes =
      ModuleBoundaryRules.publicApiExposesNoInternalTypes("dev.nexussecurity.api");
}
