package dev.nexussecurity.it.support;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Counts every piece of handler code that runs, keyed by the operation input: sync operation
 * bodies, workflow-run operation bodies and handler workflow executions. Each test uses unique
 * inputs, so counts never mix between tests. Static because the SDK instantiates the handler
 * workflows itself.
 */
public final class HandlerInvocations {
  private static final Map<String, List<String>> BY_INPUT = new ConcurrentHashMap<>();
  private static final Map<String, List<String>> REQUEST_IDS = new ConcurrentHashMap<>();

  private HandlerInvocations() {}

  static void record(String what, String input) {
    BY_INPUT.computeIfAbsent(input, k -> new CopyOnWriteArrayList<>()).add(what);
  }

  static void recordRequestId(String input, String requestId) {
    REQUEST_IDS.computeIfAbsent(input, k -> new CopyOnWriteArrayList<>()).add(requestId);
  }

  /** The request ids of the start requests whose operation body ran for {@code input}, in order. */
  public static List<String> requestIds(String input) {
    List<String> list = REQUEST_IDS.get(input);
    return list == null ? List.of() : List.copyOf(list);
  }

  /** How many times any handler code ran for {@code input}. */
  public static int count(String input) {
    List<String> list = BY_INPUT.get(input);
    return list == null ? 0 : list.size();
  }

  /** What ran for {@code input}, in order: operation names and handler workflow type names. */
  public static List<String> of(String input) {
    List<String> list = BY_INPUT.get(input);
    return list == null ? List.of() : List.copyOf(list);
  }
}
