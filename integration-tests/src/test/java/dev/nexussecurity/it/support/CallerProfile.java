package dev.nexussecurity.it.support;

import dev.nexussecurity.core.NexusSecurityOptions;
import java.util.function.UnaryOperator;

/**
 * The caller workers of a {@link SecurityTestBed}: a namespace, a task queue of its own, and how
 * its NexusSecurity options differ from the namespace's defaults.
 */
public enum CallerProfile {
  /** caller-a, on the allowlist, enforcing on the caller side. */
  A(SecurityTestBed.CALLER_A, "a-tq", o -> o),
  /** caller-a with its caller-side check off, so every decision is the handler's. */
  A_ROGUE(SecurityTestBed.CALLER_A, "a-rogue-tq", o -> o.setEnforceOnCaller(false)),
  /**
   * caller-a with the {@link HeaderTamper} registered BEFORE NexusSecurity (the wrong order for an
   * attacker): a control showing that the first worker interceptor is the outermost for outbound
   * workflow calls.
   */
  A_TAMPER_OUTSIDE(SecurityTestBed.CALLER_A, "a-tamper-outside-tq", o -> o),
  /** caller-b, trusted by the handler but not on the allowlist, enforcing on the caller side. */
  B(SecurityTestBed.CALLER_B, "b-tq", o -> o),
  /** caller-b with its caller-side check off: a rogue caller that the handler alone must stop. */
  B_ROGUE(SecurityTestBed.CALLER_B, "b-rogue-tq", o -> o.setEnforceOnCaller(false));

  private final String namespace;
  private final String taskQueue;
  private final UnaryOperator<NexusSecurityOptions.Builder> customize;

  CallerProfile(
      String namespace, String taskQueue, UnaryOperator<NexusSecurityOptions.Builder> customize) {
    this.namespace = namespace;
    this.taskQueue = taskQueue;
    this.customize = customize;
  }

  public String getNamespace() {
    return namespace;
  }

  public String getTaskQueue() {
    return taskQueue;
  }

  NexusSecurityOptions.Builder customize(NexusSecurityOptions.Builder builder) {
    return customize.apply(builder);
  }
}
