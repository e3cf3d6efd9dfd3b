package dev.nexussecurity.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nexussecurity.api.ReasonCode;
import org.junit.jupiter.api.Test;

/** Checks the benchmark's fixture (it does not run the benchmark). */
class AccessDecisionBenchmarkTest {

  @Test
  void setUp_buildsQueriesThatMeasureWhatTheirNamesSay() {
    AccessDecisionBenchmark b = new AccessDecisionBenchmark();
    b.endpoints = 100;

    b.setUp();

    assertThat(b.registry.listEndpoints()).hasSize(100);
    assertThat(b.registry.listEndpoints())
        .allSatisfy(
            e ->
                assertThat(e.getAllowedCallerNamespaces())
                    .hasSize(AccessDecisionBenchmark.CALLERS_PER_ENDPOINT));
    for (int i = 0; i < 2 * AccessDecisionBenchmark.QUERIES; i++) {
      assertThat(b.registryHit().getReason()).isEqualTo(ReasonCode.ALLOWED);
      assertThat(b.registryMissCaller().getReason()).isEqualTo(ReasonCode.CALLER_NOT_ALLOWED);
      assertThat(b.registryUnknownEndpoint().getReason()).isEqualTo(ReasonCode.UNKNOWN_ENDPOINT);
      assertThat(b.baselineHit()).isTrue();
      assertThat(b.baselineMissCaller()).isFalse();
      assertThat(b.baselineUnknownEndpoint()).isFalse();
    }
    assertThat(b.registryHitHot().getReason()).isEqualTo(ReasonCode.ALLOWED);
    assertThat(b.registryMissCallerHot().getReason()).isEqualTo(ReasonCode.CALLER_NOT_ALLOWED);
    assertThat(b.baselineHitHot()).isTrue();
    assertThat(b.baselineMissCallerHot()).isFalse();
  }
}
