package dev.nexussecurity.loadtests;

import java.util.List;
import java.util.Set;

/** Names shared by the test JVM and the handler processes. */
final class Operations {
  /** Operation ids of the soak test start with this. */
  static final String SOAK_PREFIX = "soak-";

  static final String HANDLER_NS = "handler-ns";

  /** The task queue of the secured handler workers (with nexus-security and the codec). */
  static final String SECURE_TQ = "load-tq";

  /** The task queue of the plain handler workers (neither nexus-security nor a codec). */
  static final String PLAIN_TQ = "plain-tq";

  /** The caller task queue, secured and plain. */
  static final String CALLER_TQ = "caller-tq";

  static final String PLAIN_CALLER_TQ = "plain-caller-tq";

  /** Endpoint on the secured workers; its allowlist is changed by the soak test. */
  static final String OPEN_ENDPOINT = "load";

  /** Endpoint on the secured workers that admits {@link #CALLERS}' first namespace only. */
  static final String RESTRICTED_ENDPOINT = "load-restricted";

  /** Endpoint on the plain workers; not managed by nexus-security (no policy). */
  static final String PLAIN_ENDPOINT = "load-plain";

  /** The four caller namespaces. */
  static final List<String> CALLERS = List.of("caller-1", "caller-2", "caller-3", "caller-4");

  /** Callers on the open endpoint's allowlist at the start. */
  static final Set<String> OPEN_ALLOWLIST = Set.of("caller-1", "caller-2", "caller-3");

  /** Callers on the restricted endpoint's allowlist. */
  static final Set<String> RESTRICTED_ALLOWLIST = Set.of("caller-1");

  /**
   * The caller whose workers skip the caller-side check, so that its calls reach the handler
   * processes and are denied there.
   */
  static final String UNCHECKED_CALLER = "caller-4";

  /**
   * Every tenth operation goes to the restricted endpoint; even ones are sync, odd workflow-run.
   */
  static String endpointOf(int index) {
    return index % 10 == 9 ? RESTRICTED_ENDPOINT : OPEN_ENDPOINT;
  }

  static String operationOf(int index) {
    return index % 2 == 0 ? "echo" : "run";
  }

  private Operations() {}
}
