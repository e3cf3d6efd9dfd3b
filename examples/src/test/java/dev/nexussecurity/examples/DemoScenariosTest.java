package dev.nexussecurity.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nexussecurity.api.PayloadProtection;
import dev.nexussecurity.codec.tink.PayloadKeyPolicy;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's checks can fail: with analytics already on the allowlist, the scenarios that expect it
 * to be denied report FAIL, and the run as a whole does not pass; with FraudService not given its
 * own key, the per-service key scenario reports FAIL.
 */
class DemoScenariosTest {
  private static final String REGISTRY_ALLOWING_ANALYTICS =
      "{\n"
          + "  \"schemaVersion\": 1,\n"
          + "  \"endpoints\": [\n"
          + "    {\n"
          + "      \"name\": \"payments\",\n"
          + "      \"targetNamespace\": \"payments\",\n"
          + "      \"targetTaskQueue\": \"payments-nexus\",\n"
          + "      \"allowedCallerNamespaces\": [\"analytics\", \"orders\"],\n"
          + "      \"version\": 1\n"
          + "    }\n"
          + "  ]\n"
          + "}\n";

  @TempDir Path workDir;

  @Test
  void runAll_withAnalyticsAlreadyAllowed_reportsTheDenialScenariosAsFailed() {
    List<ScenarioResult> results;
    try (DemoScenarios demo = DemoScenarios.start(workDir, REGISTRY_ALLOWING_ANALYTICS)) {
      results = demo.runAll();
    }

    assertThat(results)
        .extracting(ScenarioResult::getNumber)
        .containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    assertThat(results.get(0).isPassed()).as(results.get(0).toLine()).isTrue();
    assertThat(results.get(1).isPassed()).as(results.get(1).toLine()).isFalse();
    // analytics is not denied (its checkout completes, or fails otherwise): scenario 2 must say
    // FAIL
    assertThat(results.get(1).getActual()).doesNotContain("DENIED CALLER_NOT_ALLOWED");
    assertThat(results.get(2).isPassed()).as(results.get(2).toLine()).isFalse();
    assertThat(results.get(2).toLine()).startsWith("FAIL  3. ");
    assertThat(results.get(3).isPassed()).as(results.get(3).toLine()).isTrue();
    assertThat(results.get(7).isPassed()).as(results.get(7).toLine()).isTrue();
    assertThat(results.get(8).isPassed()).as(results.get(8).toLine()).isTrue();
  }

  @Test
  void perServiceKey_whenFraudServiceUsesTheDefaultProtection_reportsFail() {
    ScenarioResult perService;
    ScenarioResult allowed;
    try (DemoScenarios demo =
        DemoScenarios.start(workDir, null, PayloadKeyPolicy.of(PayloadProtection.pairwise()))) {
      allowed = demo.allowedCaller();
      perService = demo.perServiceKey();
    }

    assertThat(allowed.isPassed()).as(allowed.toLine()).isTrue();
    assertThat(perService.isPassed()).as(perService.toLine()).isFalse();
    assertThat(perService.toLine()).startsWith("FAIL  8. ").contains("FraudService {pairwise");
  }
}
