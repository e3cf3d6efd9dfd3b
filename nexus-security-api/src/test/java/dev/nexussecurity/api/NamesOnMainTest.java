package dev.nexussecurity.api;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NamesOnMainTest {
  @ParameterizedTest
  @ValueSource(strings = {"p\u0430yments", "pay\u200Bments", "pay\nments", "pay ments"})
  void oddNamespaceNames_areRefused(String name) {
    assertThatThrownBy(
            () ->
                NexusEndpoint.newBuilder()
                    .setName("payments")
                    .setTargetNamespace("payments-ns")
                    .setTargetTaskQueue("q")
                    .addAllowedCallerNamespace(name))
        .isInstanceOf(EndpointValidationException.class);
  }

  @org.junit.jupiter.api.Test
  void allowlistEntryDifferingOnlyInCaseFromTheTarget_isRefused() {
    assertThatThrownBy(
            () ->
                NexusEndpoint.newBuilder()
                    .setName("payments")
                    .setTargetNamespace("payments")
                    .setTargetTaskQueue("q")
                    .addAllowedCallerNamespace("Payments")
                    .build())
        .isInstanceOf(EndpointValidationException.class);
  }
}
