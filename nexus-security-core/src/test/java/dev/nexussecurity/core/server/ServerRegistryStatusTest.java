package dev.nexussecurity.core.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerRegistryStatusTest {
  static final Instant T = Instant.parse("2025-05-01T10:00:00Z");

  @Test
  void beforeAnyRefresh_isNotHealthy_andHasNoTimes() {
    ServerRegistryStatus s = new ServerRegistryStatus(null, null, null, 0, 0, Map.of(), 0);
    assertThat(s.isHealthy()).isFalse();
    assertThat(s.getLastAttemptTime()).isEmpty();
    assertThat(s.getLastSuccessTime()).isEmpty();
    assertThat(s.getLastError()).isEmpty();
  }

  @Test
  void afterAFailureFollowingASuccess_isNotHealthy_andKeepsBoth() {
    ServerRegistryStatus s =
        new ServerRegistryStatus(T.plusSeconds(30), T, "UNAVAILABLE", 1, 4, Map.of(), 2);
    assertThat(s.isHealthy()).isFalse();
    assertThat(s.getLastSuccessTime()).contains(T);
    assertThat(s.getLastAttemptTime()).contains(T.plusSeconds(30));
    assertThat(s.getLastError()).contains("UNAVAILABLE");
    assertThat(s.getEndpointCount()).isEqualTo(4);
    assertThat(s.getUnmanagedEndpointCount()).isEqualTo(2);
  }

  @Test
  void invalidEndpoints_areCopiedSortedAndUnmodifiable() {
    Map<String, String> invalid =
        new HashMap<>(Map.of("b", "BAD_SIGNATURE: x", "a", "MALFORMED: y"));
    ServerRegistryStatus s = new ServerRegistryStatus(T, T, null, 0, 0, invalid, 0);
    invalid.clear();
    assertThat(s.isHealthy()).isTrue();
    assertThat(s.getInvalidEndpoints()).containsOnlyKeys("a", "b");
    assertThat(s.getInvalidEndpoints().keySet()).containsExactly("a", "b");
    assertThatThrownBy(() -> s.getInvalidEndpoints().clear())
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(s.toString()).contains("healthy=true").contains("invalid=[a, b]");
  }
}
