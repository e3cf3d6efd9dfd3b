package dev.nexussecurity.it.support;

import io.nexusrpc.handler.OperationContext;
import io.temporal.common.interceptors.NexusOperationInboundCallsInterceptor;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * TEST ONLY: a handler worker interceptor that records the Nexus headers of every request the
 * handler worker receives, as they arrive (before any other interceptor has looked at them). It
 * changes nothing.
 */
public final class NexusHeaderRecorder extends WorkerInterceptorBase {
  private final List<Map<String, String>> received = new CopyOnWriteArrayList<>();

  @Override
  public NexusOperationInboundCallsInterceptor interceptNexusOperation(
      OperationContext context, NexusOperationInboundCallsInterceptor next) {
    received.add(Map.copyOf(context.getHeaders()));
    return next;
  }

  /** The headers of every request received so far, in arrival order. */
  public List<Map<String, String>> received() {
    return List.copyOf(received);
  }
}
