package dev.nexussecurity.core;

import dev.nexussecurity.api.NexusEndpoint;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * jqwik generators of valid {@link NexusEndpoint}s for the property tests: names at the edges of
 * the name rule, namespaces of printable ASCII (JSON-special characters included), task queues and
 * descriptions of any well-formed Unicode text.
 */
public final class EndpointArbitraries {
  private EndpointArbitraries() {}

  /** Valid endpoint names, 1 to 200 characters. */
  public static Arbitrary<String> names() {
    net.jqwik.api.arbitraries.StringArbitrary middle =
        Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9').withChars('-', 'Q');
    return Arbitraries.frequencyOf(
        Tuple.of(
            8,
            Combinators.combine(
                    Arbitraries.chars().range('a', 'z').with('Z'),
                    middle.ofMaxLength(10),
                    Arbitraries.chars().range('a', 'z').range('0', '9'))
                .as((a, m, z) -> "" + a + m + z)),
        Tuple.of(1, Arbitraries.strings().withCharRange('a', 'c').ofLength(200)));
  }

  /** Valid namespace names: printable ASCII, including {@code "}, {@code \} and {@code /}. */
  public static Arbitrary<String> namespaces() {
    return Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.of("orders-ns", "billing-ns", "payments-ns", "a", "x.y_z")),
        Tuple.of(2, Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(12)));
  }

  /**
   * Well-formed Unicode text (no unpaired surrogates), including control and non-BMP characters.
   */
  public static Arbitrary<String> text(int maxCodePoints) {
    return Arbitraries.frequencyOf(
            Tuple.of(3, Arbitraries.integers().between(0x20, 0x7e)),
            Tuple.of(1, Arbitraries.integers().between(0, 0x1f)),
            Tuple.of(1, Arbitraries.integers().between(0x80, 0xd7ff)),
            Tuple.of(1, Arbitraries.integers().between(0xe000, 0x10ffff)))
        .list()
        .ofMaxSize(maxCodePoints)
        .map(
            cps -> {
              StringBuilder sb = new StringBuilder();
              cps.forEach(sb::appendCodePoint);
              return sb.toString();
            });
  }

  /** Valid task queues. */
  public static Arbitrary<String> taskQueues() {
    return text(20).filter(t -> !t.isEmpty() && !t.startsWith("/_sys/"));
  }

  /** Valid stored endpoints (version 1 or more). */
  public static Arbitrary<NexusEndpoint> endpoints() {
    return Combinators.combine(
            names(),
            namespaces(),
            taskQueues(),
            namespaces().set().ofMaxSize(4),
            text(30),
            Arbitraries.longs().between(1, Long.MAX_VALUE))
        .as(
            (name, target, tq, callers, description, version) ->
                NexusEndpoint.newBuilder()
                    .setName(name)
                    .setTargetNamespace(target)
                    .setTargetTaskQueue(tq)
                    .setAllowedCallerNamespaces(withoutCaseVariants(target, callers))
                    .setDescription(description)
                    .setVersion(version)
                    .build());
  }

  /** Lists of endpoints with distinct names. */
  public static Arbitrary<List<NexusEndpoint>> endpointLists(int max) {
    return endpoints().list().ofMaxSize(max).uniqueElements(NexusEndpoint::getName);
  }

  /** {@code callers} without the entries that differ only in case from the target or each other. */
  public static List<String> withoutCaseVariants(String target, Collection<String> callers) {
    Set<String> seen = new HashSet<>();
    seen.add(target.toLowerCase(Locale.ROOT));
    List<String> out = new ArrayList<>();
    for (String c : callers) {
      if (c.equals(target) || seen.add(c.toLowerCase(Locale.ROOT))) {
        out.add(c);
      }
    }
    return out;
  }
}
