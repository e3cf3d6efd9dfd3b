package dev.nexussecurity.core.internal.interceptor;

/**
 * Detects whether nexus-security's Nexus interceptor is the outermost one: the SDK's middleware
 * (package {@code io.temporal.internal}) must call its {@code init} directly. If another
 * interceptor's {@code init} called it, that interceptor runs before the check (the SDK makes the
 * LAST worker interceptor in {@code WorkerFactoryOptions} the outermost).
 *
 * <p>Checked on every request, cheaply: {@code init} asks {@link #WALKER} for its own caller with
 * {@link StackWalker#getCallerClass()} (one frame, no stream), and {@link #isSdk} tests that class.
 * Reflection and hidden frames are skipped, as a {@code StackWalker} without options does.
 *
 * <pre>{@code
 * public void init(NexusOperationOutboundCallsInterceptor outboundCalls) {
 *   if (!InstallationGuard.isSdk(InstallationGuard.WALKER.getCallerClass())) { ... deny ... }
 * }
 * }</pre>
 */
final class InstallationGuard {
  /** The walker the guarded method calls {@code getCallerClass()} on, directly. */
  static final StackWalker WALKER =
      StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

  private InstallationGuard() {}

  /** Whether {@code caller}, the class that called the guarded method, is the SDK's. */
  static boolean isSdk(Class<?> caller) {
    return caller != null && caller.getName().startsWith("io.temporal.internal.");
  }
}
