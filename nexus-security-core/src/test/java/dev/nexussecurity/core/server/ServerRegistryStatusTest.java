package dev.nexussecurity.core.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ServerRegistryStatusTest {
  static final Instant T = Instant.parse("2025-05-01T10:00:00Z");

  @Test
  void beforeAnyRefresh_isNotHealthy_andHasNoTimes() {
    ServerRegistryStatus s =
        new ServerRegistryStatus(
            null, null, null, 0, 0, Map.of(), Map.of(), new TreeSet<>(), 0, 0, null, null);
    assertThat(s.isHealthy()).isFalse();
    assertThat(s.getFreshUntil()).isEmpty();
    assertThat(s.isStaleAt(T)).isTrue();
    assertThat(s.getManifestEpoch()).isEmpty();
    assertThat(s.getLastAttemptTime()).isEmpty();
    assertThat(s.getLastSuccessTime()).isEmpty();
    assertThat(s.getLastError()).isEmpty();
  }

  @Test
  void afterAFailureFollowingASuccess_isNotHealthy_andKeepsBoth() {
    ServerRegistryStatus s =
        new ServerRegistryStatus(
            T.plusSeconds(30),
            T,
            "UNAVAILABLE",
            1,
            4,
            Map.of(),
            Map.of(),
            new TreeSet<>(Set.of("removed")),
            2,
            77,
            T.plusSeconds(3600),
            T.plusSeconds(300));
    assertThat(s.isHealthy()).isFalse();
    assertThat(s.getLastSuccessTime()).contains(T);
    assertThat(s.getLastAttemptTime()).contains(T.plusSeconds(30));
    assertThat(s.getLastError()).contains("UNAVAILABLE");
    assertThat(s.getEndpointCount()).isEqualTo(4);
    assertThat(s.getUnmanagedEndpointCount()).isEqualTo(2);
    assertThat(s.getEndpointsNotInManifest()).containsExactly("removed");
    assertThat(s.getManifestEpoch()).hasValue(77);
    assertThat(s.getManifestExpiresAt()).contains(T.plusSeconds(3600));
    assertThat(s.getFreshUntil()).contains(T.plusSeconds(300));
    assertThat(s.isStaleAt(T.plusSeconds(299))).isFalse();
    assertThat(s.isStaleAt(T.plusSeconds(300))).isTrue();
  }

  @Test
  void invalidEndpoints_areCopiedSortedAndUnmodifiable() {
    Map<String, String> invalid =
        new HashMap<>(Map.of("b", "BAD_SIGNATURE: x", "a", "MALFORMED: y"));
    ServerRegistryStatus s =
        new ServerRegistryStatus(
            T, T, null, 0, 0, invalid, Map.of(), new TreeSet<>(), 0, 1, T, T.plusSeconds(1));
    invalid.clear();
    assertThat(s.isHealthy()).isTrue();
    assertThat(s.getInvalidEndpoints()).containsOnlyKeys("a", "b");
    assertThat(s.getInvalidEndpoints().keySet()).containsExactly("a", "b");
    assertThatThrownBy(() -> s.getInvalidEndpoints().clear())
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(s.toString()).contains("healthy=true").contains("invalid=[a, b]");
  }

  @Test
  void keyDirectory_countAndProblems_areKept_sortedAndUnmodifiable() {
    Map<String, String> problems = new HashMap<>();
    problems.put("z-ns", "BAD_SIGNATURE: edited");
    problems.put("a-ns", "NOT_IN_MANIFEST: older");
    ServerRegistryStatus s =
        new ServerRegistryStatus(
            T,
            T,
            null,
            0,
            1,
            Map.of(),
            Map.of(),
            new TreeSet<>(),
            0,
            7,
            T.plusSeconds(3600),
            T.plusSeconds(300),
            3,
            problems);
    problems.clear();

    assertThat(s.getKeyDirectoryNamespaceCount()).isEqualTo(3);
    assertThat(s.getKeyDirectoryProblems().keySet()).containsExactly("a-ns", "z-ns");
    assertThatThrownBy(() -> s.getKeyDirectoryProblems().put("x", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(s.toString())
        .contains("keyDirectoryNamespaces=3, keyDirectoryProblems=[a-ns, z-ns]");
    assertThat(
            new ServerRegistryStatus(
                    T, T, null, 0, 1, Map.of(), Map.of(), new TreeSet<>(), 0, 7, null, null)
                .toString())
        .doesNotContain("keyDirectory");
  }

  @Test
  void toString_showsTheManifestEpochOnlyOnceAManifestIsKnown_andTheLastErrorOnlyIfAny() {
    ServerRegistryStatus before =
        new ServerRegistryStatus(
            null, null, null, 0, 0, Map.of(), Map.of(), new TreeSet<>(), 0, 0, null, null);
    ServerRegistryStatus failing =
        new ServerRegistryStatus(
            T.plusSeconds(30),
            T,
            "UNAVAILABLE: down",
            1,
            1,
            Map.of(),
            Map.of(),
            new TreeSet<>(),
            0,
            77,
            T.plusSeconds(3600),
            T.plusSeconds(300));

    assertThat(before.toString())
        .doesNotContain("manifestEpoch")
        .doesNotContain("lastError")
        .contains("healthy=false");
    assertThat(failing.toString())
        .contains("manifestEpoch=77")
        .contains("consecutiveFailures=1")
        .endsWith(", lastError=UNAVAILABLE: down}");
  }
}
