package dev.nexussecurity.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's checks can fail: with analytics already on the allowlist, the scenarios that expect it
 * to be denied report FAIL, and the run as a whole does not pass.
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

    assertThat(results).extracting(ScenarioResult::getNumber).containsExactly(1, 2, 3, 4, 5, 6);
    assertThat(results.get(0).isPassed()).as(results.get(0).toLine()).isTrue();
    assertThat(results.get(1).isPassed()).as(results.get(1).toLine()).isFalse();
    assertThat(results.get(1).getActual()).contains("not denied: checkout completed");
    assertThat(results.get(2).isPassed()).as(results.get(2).toLine()).isFalse();
    assertThat(results.get(2).toLine()).startsWith("FAIL  3. ");
    assertThat(results.get(3).isPassed()).as(results.get(3).toLine()).isTrue();
    assertThat(results.get(4).isPassed()).as(results.get(4).toLine()).isTrue();
  }
}
