package dev.nexussecurity.core.internal.registry;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexussecurity.api.EndpointValidationException;
import dev.nexussecurity.api.NexusEndpoint;
import java.util.List;
import org.junit.jupiter.api.Test;

class NamespaceSpellingsTest {
  static NexusEndpoint endpoint(String name, String target, String... callers) {
    return NexusEndpoint.newBuilder()
        .setName(name)
        .setTargetNamespace(target)
        .setTargetTaskQueue("q")
        .setAllowedCallerNamespaces(List.of(callers))
        .build();
  }

  @Test
  void oneSpellingPerNamespace_isConsistent() {
    List<NexusEndpoint> registry =
        List.of(endpoint("a-ep", "pay-ns", "orders-ns"), endpoint("b-ep", "orders-ns", "pay-ns"));

    assertThatCode(() -> NamespaceSpellings.requireConsistent(registry)).doesNotThrowAnyException();
    assertThatCode(
            () ->
                NamespaceSpellings.requireConsistent(
                    registry, endpoint("c-ep", "pay-ns", "orders-ns")))
        .doesNotThrowAnyException();
  }

  @Test
  void twoSpellings_areRefused_namingTheOtherEndpoint() {
    List<NexusEndpoint> registry = List.of(endpoint("a-ep", "pay-ns", "orders-ns"));

    assertThatThrownBy(
            () ->
                NamespaceSpellings.requireConsistent(registry, endpoint("b-ep", "Pay-NS", "x-ns")))
        .isInstanceOf(EndpointValidationException.class)
        .hasMessage(
            "Invalid Nexus endpoint 'b-ep': field 'targetNamespace' value 'Pay-NS' differs only in"
                + " case from namespace 'pay-ns' of endpoint 'a-ep'; Temporal compares namespace"
                + " names exactly, so these are two different namespaces and one of them would"
                + " never match: use the namespace's exact spelling");
    assertThatThrownBy(
            () ->
                NamespaceSpellings.requireConsistent(
                    List.of(
                        endpoint("a-ep", "pay-ns", "orders-ns"),
                        endpoint("b-ep", "x-ns", "Orders-ns"))))
        .hasMessageContaining("field 'allowedCallerNamespaces' value 'Orders-ns'");
  }

  @Test
  void theEndpointBeingReplaced_doesNotCountAgainstItself() {
    assertThatCode(
            () ->
                NamespaceSpellings.requireConsistent(
                    List.of(endpoint("a-ep", "pay-ns")), endpoint("a-ep", "PAY-ns")))
        .doesNotThrowAnyException();
  }
}
