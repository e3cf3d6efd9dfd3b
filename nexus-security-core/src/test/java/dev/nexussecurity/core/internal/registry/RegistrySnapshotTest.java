package dev.nexussecurity.core.internal.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nexussecurity.api.AccessDecision;
import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.api.ReasonCode;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegistrySnapshotTest {

  private static NexusEndpoint endpoint(String name, String... callers) {
    return NexusEndpoint.newBuilder()
        .setName(name)
        .setTargetNamespace("ns")
        .setTargetTaskQueue("q")
        .setAllowedCallerNamespaces(List.of(callers))
        .setVersion(1)
        .build();
  }

  @Test
  void of_sortsByNameAndLooksUpByName() {
    RegistrySnapshot s =
        RegistrySnapshot.of(List.of(endpoint("cc"), endpoint("aa"), endpoint("bb")));

    assertThat(s.list()).extracting(NexusEndpoint::getName).containsExactly("aa", "bb", "cc");
    assertThat(s.get("bb")).isEqualTo(endpoint("bb"));
    assertThat(s.get("zz")).isNull();
    assertThat(s.get(null)).isNull();
    assertThat(s.size()).isEqualTo(3);
  }

  @Test
  void of_duplicateNames_isRejected() {
    assertThatThrownBy(() -> RegistrySnapshot.of(List.of(endpoint("aa"), endpoint("aa"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'aa'");
  }

  @Test
  void with_insertsInSortedPositionAndLeavesTheOriginalUnchanged() {
    RegistrySnapshot s = RegistrySnapshot.of(List.of(endpoint("aa"), endpoint("cc")));

    RegistrySnapshot first = s.with(endpoint("a0"));
    RegistrySnapshot middle = s.with(endpoint("bb"));
    RegistrySnapshot last = s.with(endpoint("zz"));

    assertThat(first.list()).extracting(NexusEndpoint::getName).containsExactly("a0", "aa", "cc");
    assertThat(middle.list()).extracting(NexusEndpoint::getName).containsExactly("aa", "bb", "cc");
    assertThat(last.list()).extracting(NexusEndpoint::getName).containsExactly("aa", "cc", "zz");
    assertThat(s.list()).extracting(NexusEndpoint::getName).containsExactly("aa", "cc");
    assertThat(s.get("bb")).isNull();
  }

  @Test
  void with_existingName_replacesInPlace() {
    RegistrySnapshot s = RegistrySnapshot.of(List.of(endpoint("aa"), endpoint("bb", "x")));
    NexusEndpoint replacement = endpoint("bb", "y").toBuilder().setVersion(2).build();

    RegistrySnapshot next = s.with(replacement);

    assertThat(next.list()).containsExactly(endpoint("aa"), replacement);
    assertThat(next.checkAccess("bb", "y").isAllowed()).isTrue();
    assertThat(s.checkAccess("bb", "y").isAllowed()).isFalse();
  }

  @Test
  void without_removesAndLeavesTheOriginalUnchanged() {
    RegistrySnapshot s = RegistrySnapshot.of(List.of(endpoint("aa"), endpoint("bb")));

    RegistrySnapshot next = s.without("aa");

    assertThat(next.list()).containsExactly(endpoint("bb"));
    assertThat(next.get("aa")).isNull();
    assertThat(s.size()).isEqualTo(2);
    assertThat(s.without("absent")).isSameAs(s);
  }

  @Test
  void list_isUnmodifiable() {
    RegistrySnapshot s = RegistrySnapshot.of(List.of(endpoint("aa")));

    assertThatThrownBy(() -> s.list().clear()).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void checkAccess_returnsTheSharedDecisions() {
    RegistrySnapshot s = RegistrySnapshot.of(List.of(endpoint("aa", "caller")));

    assertThat(s.checkAccess("aa", "caller")).isSameAs(AccessDecision.allowed());
    assertThat(s.checkAccess("aa", "other"))
        .isSameAs(AccessDecision.denied(ReasonCode.CALLER_NOT_ALLOWED));
    assertThat(s.checkAccess("zz", "caller"))
        .isSameAs(AccessDecision.denied(ReasonCode.UNKNOWN_ENDPOINT));
    assertThat(RegistrySnapshot.EMPTY.checkAccess("aa", "caller").getReason())
        .isEqualTo(ReasonCode.UNKNOWN_ENDPOINT);
  }

  /** Allocation, not time: the thread's allocated-bytes counter must not move across the calls. */
  @Test
  void checkAccess_allocatesNothing() {
    java.lang.management.ThreadMXBean generic = ManagementFactory.getThreadMXBean();
    assumeTrue(generic instanceof com.sun.management.ThreadMXBean);
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) generic;
    assumeTrue(
        threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
    List<NexusEndpoint> endpoints = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      endpoints.add(endpoint("endpoint-" + i, "caller-" + i, "caller-x"));
    }
    RegistrySnapshot s = RegistrySnapshot.of(endpoints);
    // Distinct but equal String instances, as a real caller would pass.
    String hitName = new String("endpoint-500");
    String hitCaller = new String("caller-x");
    String missName = new String("endpoint-none");
    int allowed = 0;
    for (int i = 0; i < 20_000; i++) {
      allowed += probe(s, hitName, hitCaller, missName);
    }

    long before = threads.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < 100_000; i++) {
      allowed += probe(s, hitName, hitCaller, missName);
    }
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;

    assertThat(allowed).isEqualTo(120_000);
    // 300,000 decisions; a single allocation per decision would be at least 4.8 MB.
    assertThat(allocated).as("bytes allocated by 300,000 access decisions").isLessThan(1_024);
  }

  private static int probe(RegistrySnapshot s, String name, String caller, String missName) {
    int allowed = s.checkAccess(name, caller).isAllowed() ? 1 : 0;
    allowed += s.checkAccess(name, "caller-unknown").isAllowed() ? 1 : 0;
    allowed += s.checkAccess(missName, caller).isAllowed() ? 1 : 0;
    return allowed;
  }
}
