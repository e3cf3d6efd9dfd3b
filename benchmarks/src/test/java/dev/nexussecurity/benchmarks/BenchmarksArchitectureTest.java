package dev.nexussecurity.benchmarks;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.nexussecurity.api.archunit.ModuleBoundaryRules;
import java.util.Map;

/**
 * Module boundaries of the benchmarks (including the code JMH generates from them): they measure
 * the library through its public API, as a user would run it, and use no other module's or
 * library's internal packages, except where listed below with the reason.
 */
@AnalyzeClasses(
    packages = "dev.nexussecurity.benchmarks",
    importOptions = ImportOption.DoNotIncludeTests.class)
class BenchmarksArchitectureTest {

  /**
   * TEMPORARY: benchmark classes allowed to use another module's internals. Remove the entry when
   * the identity tokens have been rewritten (the benchmark then changes with them).
   */
  private static final Map<String, String> JUSTIFIED_INTERNAL_USERS =
      Map.of(
          "dev.nexussecurity.benchmarks.IdentityTokenBenchmark",
          "TEMPORARY: measures issuing and checking one identity token in isolation; no public API"
              + " issues or checks a token outside the interceptors, and core's token classes"
              + " (core.internal.identity) are being rewritten, so this harness follows them until"
              + " then.",
          "dev.nexussecurity.benchmarks.Ed25519ProviderBenchmark",
          "measures Tink's own JCE Ed25519 wrapper (signature.internal.Ed25519SignJce/VerifyJce)"
              + " with the JDK's and BouncyCastle's providers: Tink's public API picks that wrapper"
              + " only for a provider named Conscrypt, so no public API can hand it another one.");

  @ArchTest
  static final ArchRule usesNoForeignInternalPackages =
      ModuleBoundaryRules.noForeignInternalPackages(
          "dev.nexussecurity.benchmarks", JUSTIFIED_INTERNAL_USERS);

  @ArchTest
  static final ArchRule publicApiExposesNoInternalTypes =
      ModuleBoundaryRules.publicApiExposesNoInternalTypes("dev.nexussecurity.benchmarks");
}
