package dev.nexussecurity.core.internal.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ReplayCacheTest {
  @Test
  void admit_firstUse_thenRetryOfSameRequest_thenOtherRequest_isReplayed() {
    ReplayCache cache = new ReplayCache(10);
    assertThat(cache.admit("a", "t1", "r1", 100, 0)).isEqualTo(ReplayCache.Result.FIRST_USE);
    assertThat(cache.admit("a", "t1", "r1", 100, 1)).isEqualTo(ReplayCache.Result.SAME_REQUEST);
    assertThat(cache.admit("a", "t1", "r2", 100, 2)).isEqualTo(ReplayCache.Result.REPLAYED);
  }

  @Test
  void admit_sameRequestIdWithAnotherToken_isRequestReused() {
    ReplayCache cache = new ReplayCache(10);
    cache.admit("a", "t1", "r1", 100, 0);
    assertThat(cache.admit("a", "t2", "r1", 100, 0)).isEqualTo(ReplayCache.Result.REQUEST_REUSED);
  }

  @Test
  void admit_sameTokenIdInAnotherNamespace_isIndependent() {
    ReplayCache cache = new ReplayCache(10);
    assertThat(cache.admit("a", "t1", "r1", 100, 0)).isEqualTo(ReplayCache.Result.FIRST_USE);
    assertThat(cache.admit("b", "t1", "r9", 100, 0)).isEqualTo(ReplayCache.Result.FIRST_USE);
  }

  @Test
  void admit_overQuota_isFullForThatNamespaceOnly_untilEntriesExpire() {
    ReplayCache cache = new ReplayCache(2);
    cache.admit("a", "t1", "r1", 100, 0);
    cache.admit("a", "t2", "r2", 200, 0);
    assertThat(cache.admit("a", "t3", "r3", 300, 50)).isEqualTo(ReplayCache.Result.FULL);
    assertThat(cache.admit("b", "t3", "r3", 300, 50)).isEqualTo(ReplayCache.Result.FIRST_USE);
    assertThat(cache.size("a")).isEqualTo(2);
    assertThat(cache.admit("a", "t3", "r3", 300, 101)).isEqualTo(ReplayCache.Result.FIRST_USE);
    assertThat(cache.size("a")).isEqualTo(2);
  }

  @Test
  void admit_afterExpiry_forgetsTheToken() {
    ReplayCache cache = new ReplayCache(1);
    cache.admit("a", "t1", "r1", 100, 0);
    assertThat(cache.admit("a", "t1", "r2", 200, 101)).isEqualTo(ReplayCache.Result.FIRST_USE);
  }

  @Test
  void new_withQuotaBelowOne_isRejected_namingTheValue() {
    assertThatThrownBy(() -> new ReplayCache(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got 0");
  }
}
