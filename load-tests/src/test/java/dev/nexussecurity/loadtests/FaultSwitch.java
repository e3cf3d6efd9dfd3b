package dev.nexussecurity.loadtests;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;

/**
 * A gRPC client interceptor that, while on, fails every call at once with {@code UNAVAILABLE}: put
 * on the stubs a {@code ServerEndpointRegistry} reads through, it makes the registry's refreshes
 * fail as if the server could not be reached.
 */
final class FaultSwitch implements ClientInterceptor {
  private volatile boolean failing;

  void setFailing(boolean failing) {
    this.failing = failing;
  }

  boolean isFailing() {
    return failing;
  }

  @Override
  public <Q, R> ClientCall<Q, R> interceptCall(
      MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
    if (!failing) {
      return next.newCall(method, options);
    }
    return new ClientCall<>() {
      @Override
      public void start(Listener<R> listener, Metadata headers) {
        listener.onClose(
            Status.UNAVAILABLE.withDescription("load-tests: injected registry refresh failure"),
            new Metadata());
      }

      @Override
      public void request(int numMessages) {}

      @Override
      public void cancel(String message, Throwable cause) {}

      @Override
      public void halfClose() {}

      @Override
      public void sendMessage(Q message) {}
    };
  }
}
