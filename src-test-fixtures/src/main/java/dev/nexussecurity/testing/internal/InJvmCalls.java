package dev.nexussecurity.testing.internal;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.function.BiConsumer;

/** Calls a synchronous gRPC service method directly, in this thread, without a transport. */
final class InJvmCalls {
  private InJvmCalls() {}

  /**
   * Calls {@code method} with {@code request} and returns its single answer.
   *
   * @throws StatusRuntimeException the error the method reported
   * @throws IllegalStateException if the method returned without answering
   */
  static <Q, R> R unary(BiConsumer<Q, StreamObserver<R>> method, Q request) {
    Capture<R> capture = new Capture<>();
    method.accept(request, capture);
    if (capture.error != null) {
      throw capture.error instanceof StatusRuntimeException sre
          ? sre
          : Status.fromThrowable(capture.error).asRuntimeException();
    }
    if (capture.value == null) {
      throw new IllegalStateException(
          "in-JVM call with " + request.getClass().getSimpleName() + " returned no answer");
    }
    return capture.value;
  }

  private static final class Capture<R> implements StreamObserver<R> {
    private R value;
    private Throwable error;

    @Override
    public void onNext(R next) {
      value = next;
    }

    @Override
    public void onError(Throwable t) {
      error = t;
    }

    @Override
    public void onCompleted() {}
  }
}
