package dev.nexussecurity.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.nexussecurity.api.archunit.ModuleBoundaryRules;
import java.util.Map;

/**
 * Module boundaries of nexus-security-core: it sees codecs only through the api's SPI, uses no
 * other code base's internals (Temporal's {@code io.temporal.internal}, Tink's internals, other
 * modules'), and its public API exposes no internal type.
 */
@AnalyzeClasses(
    packages = "dev.nexussecurity.core",
    importOptions = ImportOption.DoNotIncludeTests.class)
class CoreArchitectureTest {

  /**
   * Core classes allowed to use another code base's internal packages, each with the reason no
   * public API serves. Keep this empty unless there is truly no alternative; every entry pins us to
   * an unsupported detail of that library's exact version.
   */
  private static final Map<String, String> JUSTIFIED_INTERNAL_USERS =
      Map.of(
          "dev.nexussecurity.core.internal.identity.Ed25519WithProvider",
          "NexusSecurityOptions.signatureProvider: Tink 1.24 offers no public way to run its"
              + " Ed25519 primitive in a given JCA provider (it picks JCE only for Conscrypt and"
              + " the like); Tink's own signature.internal.Ed25519SignJce/Ed25519VerifyJce"
              + " createWithProvider keep Tink the API and key format. Pinned by our BOM.");

  @ArchTest
  static final ArchRule doesNotDependOnCodecModules =
      noClasses()
          .that()
          .resideInAPackage("dev.nexussecurity.core..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.nexussecurity.codec..")
          .because("core sees payload codecs only through the api's DescribedCodec SPI");

  @ArchTest
  static final ArchRule usesNoForeignInternalPackages =
      ModuleBoundaryRules.noForeignInternalPackages(
          "dev.nexussecurity.core", JUSTIFIED_INTERNAL_USERS);

  @ArchTest
  static final ArchRule publicApiExposesNoInternalTypes =
      ModuleBoundaryRules.publicApiExposesNoInternalTypes("dev.nexussecurity.core");
}
