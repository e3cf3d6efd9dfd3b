package dev.nexussecurity.core.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReconcileResultTest {
  @Test
  void failure_makesTheResultUnsuccessful_andIsListed() throws Exception {
    List<ReconcileAction> actions = ReconcilePlanTest.plan().getActions();
    ReconcileResult result =
        new ReconcileResult(
            List.of(
                new ReconcileResult.ActionResult(
                    actions.get(0),
                    ReconcileResult.Outcome.APPLIED,
                    1,
                    1,
                    "created endpoint 'new-ep'"),
                new ReconcileResult.ActionResult(
                    actions.get(1), ReconcileResult.Outcome.FAILED, 2, 1, "the server refused"),
                new ReconcileResult.ActionResult(
                    actions.get(2), ReconcileResult.Outcome.SKIPPED, 0, 1, "left alone")));
    assertThat(result.isSuccess()).isFalse();
    assertThat(result.getFailures())
        .extracting(r -> r.getAction().getEndpointName())
        .containsExactly("old-ep");
    assertThat(result.count(ReconcileResult.Outcome.APPLIED)).isEqualTo(1);
    assertThat(result.count(ReconcileResult.Outcome.UNCHANGED)).isZero();
    assertThat(result.toString())
        .isEqualTo(
            "Reconcile result: 1 applied, 0 unchanged, 1 skipped, 1 failed\n"
                + "  APPLIED new-ep: created endpoint 'new-ep'\n"
                + "  FAILED old-ep: the server refused\n"
                + "  SKIPPED private: left alone");
    assertThatThrownBy(() -> result.getResults().clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void noFailures_isSuccess() {
    assertThat(new ReconcileResult(List.of()).isSuccess()).isTrue();
  }
}
