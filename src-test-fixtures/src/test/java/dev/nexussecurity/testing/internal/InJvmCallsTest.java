package dev.nexussecurity.testing.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Test;

class InJvmCallsTest {
  @Test
  void unary_returnsTheAnswer() {
    String answer =
        InJvmCalls.<String, String>unary(
            (request, observer) -> {
              observer.onNext(request + "!");
              observer.onCompleted();
            },
            "hi");
    assertThat(answer).isEqualTo("hi!");
  }

  @Test
  void unary_rethrowsTheReportedStatus() {
    assertThatThrownBy(
            () ->
                InJvmCalls.<String, String>unary(
                    (request, observer) ->
                        observer.onError(
                            Status.NOT_FOUND.withDescription("gone").asRuntimeException()),
                    "hi"))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }

  @Test
  void unary_withoutAnswer_isAnError() {
    assertThatThrownBy(() -> InJvmCalls.<String, String>unary((request, observer) -> {}, "hi"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("returned no answer");
  }
}
