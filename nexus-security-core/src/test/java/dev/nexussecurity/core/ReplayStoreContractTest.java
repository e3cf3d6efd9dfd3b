package dev.nexussecurity.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nexussecurity.core.ReplayStore.Admission;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The {@link ReplayStore} contract, for any implementation: extend this class and return a fresh,
 * empty store of the given quota per caller namespace. Two handler processes are two callers of the
 * same store object.
 */
abstract class ReplayStoreContractTest {
  static final long NOW = 1_000_000L;
  static final long FORGET = NOW + 60_000L;

  /**
   * A fresh, empty store remembering at most {@code quotaPerNamespace} live tokens per namespace.
   */
  protected abstract ReplayStore newStore(int quotaPerNamespace);

  @Test
  void admit_newTokenAndRequest_isAdmitted() {
    assertThat(newStore(10).admit("orders", "t1", "r1", FORGET, NOW)).isEqualTo(Admission.ADMITTED);
  }

  @Test
  void admit_sameTokenAndSameRequestId_isRetryOfAdmitted() {
    ReplayStore store = newStore(10);
    store.admit("orders", "t1", "r1", FORGET, NOW);

    assertThat(store.admit("orders", "t1", "r1", FORGET, NOW + 1))
        .isEqualTo(Admission.RETRY_OF_ADMITTED);
  }

  @Test
  void admit_sameTokenWithAnotherRequestId_isTokenReplayed() {
    ReplayStore store = newStore(10);
    store.admit("orders", "t1", "r1", FORGET, NOW);

    assertThat(store.admit("orders", "t1", "r2", FORGET, NOW + 1))
        .isEqualTo(Admission.TOKEN_REPLAYED);
    // the refused replay recorded nothing: the original request still retries
    assertThat(store.admit("orders", "t1", "r1", FORGET, NOW + 2))
        .isEqualTo(Admission.RETRY_OF_ADMITTED);
  }

  @Test
  void admit_sameRequestIdWithAnotherToken_isRequestIdReused() {
    ReplayStore store = newStore(10);
    store.admit("orders", "t1", "r1", FORGET, NOW);

    assertThat(store.admit("orders", "t2", "r1", FORGET, NOW + 1))
        .isEqualTo(Admission.REQUEST_ID_REUSED);
    // and t2 was not recorded by the refusal
    assertThat(store.admit("orders", "t2", "r2", FORGET, NOW + 2)).isEqualTo(Admission.ADMITTED);
  }

  @Test
  void admit_sameIdsInAnotherCallerNamespace_isIndependent() {
    ReplayStore store = newStore(10);
    store.admit("orders", "t1", "r1", FORGET, NOW);

    assertThat(store.admit("audit", "t1", "r1", FORGET, NOW)).isEqualTo(Admission.ADMITTED);
    assertThat(store.admit("audit", "t1", "r2", FORGET, NOW)).isEqualTo(Admission.TOKEN_REPLAYED);
  }

  @Test
  void admit_overTheQuota_isFull_forThatNamespaceOnly_andRecordsNothing() {
    ReplayStore store = newStore(2);
    store.admit("orders", "t1", "r1", FORGET, NOW);
    store.admit("orders", "t2", "r2", FORGET, NOW);

    assertThat(store.admit("orders", "t3", "r3", FORGET, NOW)).isEqualTo(Admission.FULL);
    assertThat(store.admit("audit", "t3", "r3", FORGET, NOW)).isEqualTo(Admission.ADMITTED);
    assertThat(store.admit("orders", "t3", "r3", FORGET, NOW)).isEqualTo(Admission.FULL);
  }

  @Test
  void admit_remembersUntilTheForgetTime_inclusive() {
    ReplayStore store = newStore(10);
    store.admit("orders", "t1", "r1", FORGET, NOW);

    assertThat(store.admit("orders", "t1", "r2", FORGET, FORGET))
        .isEqualTo(Admission.TOKEN_REPLAYED);
    assertThat(store.admit("orders", "t9", "r1", FORGET, FORGET))
        .isEqualTo(Admission.REQUEST_ID_REUSED);
  }

  @Test
  void admit_afterTheForgetTime_freesTheQuota() {
    ReplayStore store = newStore(1);
    store.admit("orders", "t1", "r1", FORGET, NOW);

    assertThat(store.admit("orders", "t2", "r2", FORGET + 60_000L, FORGET + 1))
        .isEqualTo(Admission.ADMITTED);
  }

  @Test
  void admit_oneTokenFromTwoProcessesAtOnce_isAdmittedForExactlyOneRequestId() throws Exception {
    ReplayStore shared = newStore(1_000);
    int callers = 8;
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    try {
      for (int round = 0; round < 50; round++) {
        String token = "t" + round;
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Admission>> outcomes = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
          String requestId = "r" + round + "-" + i;
          Callable<Admission> call =
              () -> {
                go.await();
                return shared.admit("orders", token, requestId, FORGET, NOW);
              };
          outcomes.add(pool.submit(call));
        }
        go.countDown();
        List<Admission> results = new ArrayList<>();
        for (Future<Admission> f : outcomes) {
          results.add(f.get());
        }
        assertThat(results).as("round %d", round).containsOnlyOnce(Admission.ADMITTED);
        assertThat(results)
            .filteredOn(a -> a != Admission.ADMITTED)
            .containsOnly(Admission.TOKEN_REPLAYED);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
