package dev.nexussecurity.core.internal.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexussecurity.core.ReplayStore;
import dev.nexussecurity.core.ReplayStore.Admission;
import org.junit.jupiter.api.Test;

class ReplayCacheTest {
  @Test
  void admit_firstUse_thenRetryOfSameRequest_thenOtherRequest_isReplayed() {
    ReplayCache cache = new ReplayCache(10);
    assertThat(cache.admit("a", "t1", "r1", 100, 0)).isEqualTo(Admission.ADMITTED);
    assertThat(cache.admit("a", "t1", "r1", 100, 1)).isEqualTo(Admission.RETRY_OF_ADMITTED);
    assertThat(cache.admit("a", "t1", "r2", 100, 2)).isEqualTo(Admission.TOKEN_REPLAYED);
  }

  @Test
  void admit_sameRequestIdWithAnotherToken_isRequestReused() {
    ReplayCache cache = new ReplayCache(10);
    cache.admit("a", "t1", "r1", 100, 0);
    assertThat(cache.admit("a", "t2", "r1", 100, 0)).isEqualTo(Admission.REQUEST_ID_REUSED);
  }

  @Test
  void admit_sameTokenIdInAnotherNamespace_isIndependent() {
    ReplayCache cache = new ReplayCache(10);
    assertThat(cache.admit("a", "t1", "r1", 100, 0)).isEqualTo(Admission.ADMITTED);
    assertThat(cache.admit("b", "t1", "r9", 100, 0)).isEqualTo(Admission.ADMITTED);
  }

  @Test
  void admit_overQuota_isFullForThatNamespaceOnly_untilEntriesExpire() {
    ReplayCache cache = new ReplayCache(2);
    cache.admit("a", "t1", "r1", 100, 0);
    cache.admit("a", "t2", "r2", 200, 0);
    assertThat(cache.admit("a", "t3", "r3", 300, 50)).isEqualTo(Admission.FULL);
    assertThat(cache.admit("b", "t3", "r3", 300, 50)).isEqualTo(Admission.ADMITTED);
    assertThat(cache.size("a")).isEqualTo(2);
    assertThat(cache.admit("a", "t3", "r3", 300, 101)).isEqualTo(Admission.ADMITTED);
    assertThat(cache.size("a")).isEqualTo(2);
  }

  @Test
  void admit_afterExpiry_forgetsTheToken() {
    ReplayCache cache = new ReplayCache(1);
    cache.admit("a", "t1", "r1", 100, 0);
    assertThat(cache.admit("a", "t1", "r2", 200, 101)).isEqualTo(Admission.ADMITTED);
  }

  @Test
  void admit_atForgetTime_stillRemembers_andForgetsOnlyAfterIt() {
    ReplayCache cache = new ReplayCache(10);
    cache.admit("a", "t1", "r1", 100, 0);
    assertThat(cache.admit("a", "t1", "r2", 200, 100)).isEqualTo(Admission.TOKEN_REPLAYED);
    assertThat(cache.admit("a", "t1", "r2", 200, 101)).isEqualTo(Admission.ADMITTED);
  }

  @Test
  void admit_whenFull_recordsNothing() {
    ReplayCache cache = new ReplayCache(1);
    cache.admit("a", "t1", "r1", 100, 0);
    assertThat(cache.admit("a", "t2", "r2", 100, 0)).isEqualTo(Admission.FULL);
    assertThat(cache.size("a")).isEqualTo(1);
    assertThat(cache.admit("a", "t3", "r2", 300, 101)).isEqualTo(Admission.ADMITTED);
  }

  @Test
  void inMemory_isAReplayCacheOfThatQuota() {
    assertThat(ReplayStore.inMemory(7)).isInstanceOf(ReplayCache.class);
    assertThat(((ReplayCache) ReplayStore.inMemory(7)).getQuotaPerNamespace()).isEqualTo(7);
    assertThat(ReplayStore.inMemory(7)).hasToString("ReplayStore.inMemory(7)");
  }

  @Test
  void new_withQuotaBelowOne_isRejected_namingTheValue() {
    assertThatThrownBy(() -> new ReplayCache(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got 0");
  }

  @Test
  void admit_afterAShortLivedTokenExpires_freesItsRoom_evenWhenALongerLivedOneWasAdmittedFirst() {
    ReplayCache cache = new ReplayCache(2);
    assertThat(cache.admit("a", "long", "r1", 1_000, 0)).isEqualTo(Admission.ADMITTED);
    assertThat(cache.admit("a", "short", "r2", 10, 0)).isEqualTo(Admission.ADMITTED);
    assertThat(cache.admit("a", "t3", "r3", 1_000, 5)).isEqualTo(Admission.FULL);
    // "short" can no longer be accepted at 11: its room is given back, "long" is kept
    assertThat(cache.admit("a", "t3", "r3", 1_000, 11)).isEqualTo(Admission.ADMITTED);
    assertThat(cache.admit("a", "long", "r9", 1_000, 11)).isEqualTo(Admission.TOKEN_REPLAYED);
  }
}
