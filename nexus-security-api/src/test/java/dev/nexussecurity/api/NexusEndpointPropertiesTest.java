package dev.nexussecurity.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Properties of {@link NexusEndpoint} validation over arbitrary field values: building either
 * yields an endpoint that satisfies every documented rule or throws {@link
 * EndpointValidationException} (never another exception), the allowlist decision equals set
 * membership (default deny), and {@code toBuilder()} round-trips.
 */
class NexusEndpointPropertiesTest {

  @Property(tries = 1000)
  void build_eitherSatisfiesEveryRuleOrThrowsEndpointValidationException(
      @ForAll("names") String name,
      @ForAll("namespaces") String target,
      @ForAll("taskQueues") String taskQueue,
      @ForAll("allowlists") List<String> callers,
      @ForAll("descriptions") String description,
      @ForAll("versions") long version) {
    NexusEndpoint[] built = new NexusEndpoint[1];
    Throwable thrown =
        catchThrowable(
            () ->
                built[0] =
                    NexusEndpoint.newBuilder()
                        .setName(name)
                        .setTargetNamespace(target)
                        .setTargetTaskQueue(taskQueue)
                        .setAllowedCallerNamespaces(callers)
                        .setDescription(description)
                        .setVersion(version)
                        .build());
    boolean valid =
        validName(name)
            && validNamespace(target)
            && validTaskQueue(taskQueue)
            && callers.stream().allMatch(NexusEndpointPropertiesTest::validNamespace)
            && noCaseVariants(target, callers)
            && (description == null
                || description.getBytes(StandardCharsets.UTF_8).length <= 20_000)
            && version >= 0;
    if (valid) {
      assertThat(thrown).isNull();
      NexusEndpoint e = built[0];
      assertThat(e.getName()).isEqualTo(name);
      assertThat(e.getTargetNamespace()).isEqualTo(target);
      assertThat(e.getTargetTaskQueue()).isEqualTo(taskQueue);
      assertThat(e.getAllowedCallerNamespaces()).isEqualTo(Set.copyOf(callers));
      assertThat(e.getDescription()).isEqualTo(description == null ? "" : description);
      assertThat(e.getVersion()).isEqualTo(version);
    } else {
      assertThat(thrown).isInstanceOf(EndpointValidationException.class);
      EndpointValidationException e = (EndpointValidationException) thrown;
      assertThat(e.getField())
          .isIn(
              "name",
              "targetNamespace",
              "targetTaskQueue",
              "allowedCallerNamespaces",
              "description",
              "version");
    }
  }

  @Property(tries = 1000)
  void isCallerAllowed_equalsAllowlistMembership_andDeniesByDefault(
      @ForAll("allowlists") List<String> callers, @ForAll("namespaces") String caller) {
    Set<String> valid = new HashSet<>();
    for (String c : callers) {
      if (validNamespace(c) && noCaseVariants("target-ns", union(valid, c))) {
        valid.add(c);
      }
    }
    NexusEndpoint e =
        NexusEndpoint.newBuilder()
            .setName("orders")
            .setTargetNamespace("target-ns")
            .setTargetTaskQueue("tq")
            .setAllowedCallerNamespaces(valid)
            .build();
    assertThat(e.isCallerAllowed(caller)).isEqualTo(caller != null && valid.contains(caller));
    assertThat(e.isCallerAllowed(null)).isFalse();
    // an allowlist is not implied by the target: the handler's own namespace is denied unless
    // listed
    assertThat(e.isCallerAllowed("target-ns")).isEqualTo(valid.contains("target-ns"));
    NexusEndpoint copy = e.toBuilder().build();
    assertThat(copy).isEqualTo(e).hasSameHashCodeAs(e);
    assertThat(copy.sameSpec(e)).isTrue();
    NexusEndpoint bumped = e.toBuilder().setVersion(e.getVersion() + 1).build();
    assertThat(bumped).isNotEqualTo(e);
    assertThat(bumped.sameSpec(e)).isTrue();
  }

  private static Set<String> union(Set<String> s, String c) {
    Set<String> u = new HashSet<>(s);
    u.add(c);
    return u;
  }

  // ------------------------------------------------------------------ reference model of the rules

  private static boolean validName(String name) {
    return name != null
        && !name.isEmpty()
        && name.length() <= 200
        && name.matches("[a-zA-Z][a-zA-Z0-9-]*[a-zA-Z0-9]");
  }

  private static boolean validNamespace(String ns) {
    return ns != null
        && !ns.isEmpty()
        && ns.length() <= 1000
        && ns.chars().allMatch(c -> c >= '!' && c <= '~');
  }

  private static boolean validTaskQueue(String tq) {
    return tq != null
        && !tq.isEmpty()
        && tq.getBytes(StandardCharsets.UTF_8).length <= 1000
        && !tq.startsWith("/_sys/");
  }

  private static boolean noCaseVariants(String target, java.util.Collection<String> callers) {
    Set<String> distinct = new HashSet<>(callers);
    distinct.add(target);
    Set<String> lower = new HashSet<>();
    for (String s : distinct) {
      if (!lower.add(s.toLowerCase(Locale.ROOT))) {
        return false;
      }
    }
    return true;
  }

  // ------------------------------------------------------------------ generators

  @Provide
  Arbitrary<String> names() {
    return Arbitraries.frequencyOf(
        Tuple.of(5, Arbitraries.strings().withChars("aZ09-_.").ofMinLength(0).ofMaxLength(8)),
        Tuple.of(1, Arbitraries.strings().all().ofMaxLength(8)),
        Tuple.of(1, Arbitraries.strings().withChars("ab").ofMinLength(198).ofMaxLength(202)),
        Tuple.of(1, Arbitraries.just(null)));
  }

  @Provide
  Arbitrary<String> namespaces() {
    return Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.of("a", "A", "b", "target-ns", "Target-NS", "c.d", "x_y")),
        Tuple.of(2, Arbitraries.strings().withCharRange('\u001f', '\u007f').ofMaxLength(6)),
        Tuple.of(1, Arbitraries.strings().all().ofMaxLength(6)),
        Tuple.of(1, Arbitraries.just(null)));
  }

  @Provide
  Arbitrary<List<String>> allowlists() {
    return namespaces().filter(s -> s != null).list().ofMaxSize(5);
  }

  @Provide
  Arbitrary<String> taskQueues() {
    return Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.strings().withChars("q/_sy").ofMaxLength(8)),
        Tuple.of(1, Arbitraries.of("/_sys/", "/_sys/x", "/_sy", "tq")),
        Tuple.of(1, Arbitraries.strings().withChars("q\u00e9").ofMinLength(498).ofMaxLength(1002)),
        Tuple.of(1, Arbitraries.strings().all().ofMaxLength(8)),
        Tuple.of(1, Arbitraries.just(null)));
  }

  @Provide
  Arbitrary<String> descriptions() {
    return Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.strings().all().ofMaxLength(20)),
        Tuple.of(
            1, Arbitraries.strings().withChars("d\u00e9").ofMinLength(9_990).ofMaxLength(20_010)),
        Tuple.of(1, Arbitraries.just(null)));
  }

  @Provide
  Arbitrary<Long> versions() {
    return Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.longs().between(-2, 1000)),
        Tuple.of(1, Arbitraries.of(Long.MIN_VALUE, Long.MAX_VALUE - 1)));
  }
}
