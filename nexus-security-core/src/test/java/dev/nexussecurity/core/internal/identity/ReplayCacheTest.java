package dev.nexussecurity.core.internal.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexussecurity.core.internal.identity.ReplayCache.Result;
import org.junit.jupiter.api.Test;

class ReplayCacheTest {

  @Test
  void firstUse_thenSameRequest_isAdmitted_butAnotherRequest_isReplay() {
    ReplayCache cache = new ReplayCache(10);
    assertThat(cache.admit("t1", "r1", 100, 0)).isEqualTo(Result.FIRST_USE);
    assertThat(cache.admit("t1", "r1", 100, 1)).isEqualTo(Result.SAME_REQUEST);
    assertThat(cache.admit("t1", "r2", 100, 2)).isEqualTo(Result.REPLAYED);
    assertThat(cache.admit("t2", "r2", 100, 3)).isEqualTo(Result.FIRST_USE);
  }

  @Test
  void full_refusesNewTokens_withoutForgettingLiveOnes() {
    ReplayCache cache = new ReplayCache(2);
    cache.admit("t1", "r1", 100, 0);
    cache.admit("t2", "r2", 100, 0);
    assertThat(cache.admit("t3", "r3", 100, 0)).isEqualTo(Result.FULL);
    assertThat(cache.admit("t1", "rX", 100, 0)).isEqualTo(Result.REPLAYED);
    assertThat(cache.size(0)).isEqualTo(2);
  }

  @Test
  void expiredEntries_areEvicted_andFreeCapacity() {
    ReplayCache cache = new ReplayCache(2);
    cache.admit("t1", "r1", 10, 0);
    cache.admit("t2", "r2", 50, 0);
    assertThat(cache.admit("t3", "r3", 100, 11)).isEqualTo(Result.FIRST_USE);
    assertThat(cache.size(11)).isEqualTo(2);
    assertThat(cache.size(51)).isEqualTo(1);
  }

  @Test
  void sizeNeverExceedsCapacity_underManyInsertions() {
    ReplayCache cache = new ReplayCache(100);
    for (int i = 0; i < 10_000; i++) {
      cache.admit("t" + i, "r" + i, i + 50, i);
      assertThat(cache.size(i)).isLessThanOrEqualTo(100);
    }
  }

  @Test
  void capacityBelowOne_isRejected() {
    assertThatThrownBy(() -> new ReplayCache(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 1");
  }
}
