package dev.nexussecurity.core.internal.interceptor;

/**
 * Detects whether nexus-security's Nexus interceptor is the outermost one: the SDK's middleware
 * (package {@code io.temporal.internal}) must call its {@code init} directly. If another
 * interceptor's {@code init} called it, that interceptor runs before the check (the SDK makes the
 * LAST worker interceptor in {@code WorkerFactoryOptions} the outermost).
 */
final class InstallationGuard {
  private static final StackWalker WALKER =
      StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

  private InstallationGuard() {}

  /** Whether the caller of the method that calls this one is the SDK. */
  static boolean calledBySdk() {
    return WALKER.walk(
        frames ->
            frames
                .skip(2)
                .findFirst()
                .map(f -> f.getDeclaringClass().getName().startsWith("io.temporal.internal."))
                .orElse(false));
  }
}
