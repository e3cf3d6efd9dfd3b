package dev.nexussecurity.testing.support;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;

/** Records every Nexus operation start a handler receives, with the namespace the handler saw. */
public final class HandlerInvocations {
  /**
   * One start.
   *
   * @param operation operation name
   * @param argument the operation's input
   * @param infoNamespace {@code NexusOperationInfo.getNamespace()} in the handler
   * @param endpoint {@code NexusOperationInfo.getEndpoint()} in the handler
   */
  public record Invocation(
      String operation, String argument, String infoNamespace, String endpoint) {}

  private final ConcurrentLinkedQueue<Invocation> invocations = new ConcurrentLinkedQueue<>();

  void record(Invocation invocation) {
    invocations.add(invocation);
  }

  /** All starts so far. */
  public List<Invocation> all() {
    return List.copyOf(invocations);
  }

  /** The starts with this argument. */
  public List<Invocation> forArgument(String argument) {
    return invocations.stream().filter(i -> i.argument().equals(argument)).toList();
  }

  /** Number of starts per argument, for arguments starting with {@code prefix}. */
  public Map<String, Long> countsByArgument(String prefix) {
    return invocations.stream()
        .filter(i -> i.argument().startsWith(prefix))
        .collect(Collectors.groupingBy(Invocation::argument, Collectors.counting()));
  }
}
