package dev.nexussecurity.testing;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.nexussecurity.api.archunit.ModuleBoundaryRules;
import java.util.Map;

/**
 * Module boundaries of the test fixtures: no other code base's internal packages, except the
 * Temporal test server's ({@code io.temporal.internal.testservice}, pinned to temporal-testing
 * 1.38.0) in one class, so an upgrade has one place to re-verify; and a public API that exposes no
 * internal type.
 */
@AnalyzeClasses(
    packages = "dev.nexussecurity.testing",
    importOptions = ImportOption.DoNotIncludeTests.class)
class FixturesArchitectureTest {

  /** Fixture classes allowed to use another code base's internals, each with its reason. */
  private static final Map<String, String> JUSTIFIED_INTERNAL_USERS =
      Map.of(
          "dev.nexussecurity.testing.internal.InProcessTemporalServer",
          "EmbeddedTemporal rebuilds the embedded server from its services (TestServicesStarter,"
              + " GRPCServerHelper, TestWorkflowService) to route Nexus tasks to the target"
              + " namespace; temporal-testing has no public API for that. Pinned to 1.38.0.");

  @ArchTest
  static final ArchRule usesNoForeignInternalPackages =
      ModuleBoundaryRules.noForeignInternalPackages(
          "dev.nexussecurity.testing", JUSTIFIED_INTERNAL_USERS);

  @ArchTest
  static final ArchRule publicApiExposesNoInternalTypes =
      ModuleBoundaryRules.publicApiExposesNoInternalTypes("dev.nexussecurity.testing");
}
