package dev.nexussecurity.examples;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.HandlerRegistry;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Serves an in-process gRPC channel (the embedded Temporal server's) on a TCP port of the loopback
 * interface, forwarding every call unchanged, so that workers in other processes connect to it the
 * way they connect to a real cluster: through {@code TEMPORAL_ADDRESS}. Plaintext and loopback
 * only; for local trials, never for anything reachable from the network.
 */
final class LoopbackProxy implements AutoCloseable {
  private static final MethodDescriptor.Marshaller<byte[]> BYTES =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  private final Server server;

  private LoopbackProxy(Server server) {
    this.server = server;
  }

  /**
   * Starts serving {@code target} on {@code 127.0.0.1:port} (or {@code ::1}, whichever the JVM's
   * loopback address is); port 0 picks a free port.
   *
   * @throws UncheckedIOException if the port cannot be bound
   */
  static LoopbackProxy start(Channel target, int port) {
    Objects.requireNonNull(target, "target");
    Server server =
        NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
            .fallbackHandlerRegistry(new ForwardingRegistry(target))
            .build();
    try {
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot listen on " + InetAddress.getLoopbackAddress().getHostAddress() + ":" + port, e);
    }
    return new LoopbackProxy(server);
  }

  /** The address workers connect to, e.g. {@code 127.0.0.1:7233}. */
  String getAddress() {
    InetSocketAddress address = (InetSocketAddress) server.getListenSockets().get(0);
    String host = address.getAddress().getHostAddress();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
  }

  @Override
  public void close() {
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Answers every method name with a handler that forwards the call to the target channel. */
  private static final class ForwardingRegistry extends HandlerRegistry {
    private final Channel target;

    ForwardingRegistry(Channel target) {
      this.target = target;
    }

    @Override
    public ServerMethodDefinition<?, ?> lookupMethod(String methodName, String authority) {
      MethodDescriptor<byte[], byte[]> method =
          MethodDescriptor.<byte[], byte[]>newBuilder()
              .setType(MethodDescriptor.MethodType.UNKNOWN)
              .setFullMethodName(methodName)
              .setRequestMarshaller(BYTES)
              .setResponseMarshaller(BYTES)
              .build();
      return ServerMethodDefinition.create(method, new ForwardingHandler(target, method));
    }
  }

  /** Relays messages, half-close, cancellation, headers, status and trailers in both directions. */
  private static final class ForwardingHandler implements ServerCallHandler<byte[], byte[]> {
    private final Channel target;
    private final MethodDescriptor<byte[], byte[]> method;

    ForwardingHandler(Channel target, MethodDescriptor<byte[], byte[]> method) {
      this.target = target;
      this.method = method;
    }

    @Override
    public ServerCall.Listener<byte[]> startCall(
        ServerCall<byte[], byte[]> serverCall, Metadata headers) {
      Deadline deadline = Context.current().getDeadline();
      ClientCall<byte[], byte[]> clientCall =
          target.newCall(method, CallOptions.DEFAULT.withDeadline(deadline));
      clientCall.start(
          new ClientCall.Listener<>() {
            @Override
            public void onHeaders(Metadata responseHeaders) {
              serverCall.sendHeaders(responseHeaders);
            }

            @Override
            public void onMessage(byte[] message) {
              serverCall.sendMessage(message);
              clientCall.request(1);
            }

            @Override
            public void onClose(Status status, Metadata trailers) {
              serverCall.close(status, trailers);
            }
          },
          headers);
      clientCall.request(1);
      serverCall.request(1);
      return new ServerCall.Listener<>() {
        @Override
        public void onMessage(byte[] message) {
          clientCall.sendMessage(message);
          serverCall.request(1);
        }

        @Override
        public void onHalfClose() {
          clientCall.halfClose();
        }

        @Override
        public void onCancel() {
          clientCall.cancel("the caller cancelled the call", null);
        }
      };
    }
  }
}
