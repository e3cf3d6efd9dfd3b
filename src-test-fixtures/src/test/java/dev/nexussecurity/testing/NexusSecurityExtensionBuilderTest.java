package dev.nexussecurity.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexussecurity.api.EndpointValidationException;
import dev.nexussecurity.api.NexusEndpoint;
import org.junit.jupiter.api.Test;

/** Validation of {@link NexusSecurityExtension.Builder}: every mistake is named, nothing starts. */
class NexusSecurityExtensionBuilderTest {

  @Test
  void build_withNamespacesAndEndpoints_keepsDeclarationOrder() {
    NexusSecurityExtension extension =
        NexusSecurityExtension.newBuilder()
            .addEndpoint("payments", "payments-ns", "payments-tq", "orders-ns")
            .addNamespace("payments-ns")
            .addNamespace("orders-ns", PayloadEncryption.keyset("orders"))
            .build();

    assertThat(extension.getNamespaceNames()).containsExactly("payments-ns", "orders-ns");
    assertThat(extension.getEndpoints())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getName()).isEqualTo("payments");
              assertThat(e.getTargetNamespace()).isEqualTo("payments-ns");
              assertThat(e.getTargetTaskQueue()).isEqualTo("payments-tq");
              assertThat(e.getAllowedCallerNamespaces()).containsExactly("orders-ns");
            });
    assertThat(extension.toString())
        .isEqualTo(
            "NexusSecurityExtension{namespaces=[payments-ns, orders-ns], endpoints=[payments]}");
  }

  @Test
  void build_withoutNamespaces_isRejected() {
    assertThatThrownBy(() -> NexusSecurityExtension.newBuilder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("declare at least one namespace with addNamespace(...) before build()");
  }

  @Test
  void addNamespace_blankOrDuplicate_isRejected() {
    NexusSecurityExtension.Builder builder =
        NexusSecurityExtension.newBuilder().addNamespace("a-ns");

    assertThatThrownBy(() -> builder.addNamespace(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("namespace must be non-blank, got ' '");
    assertThatThrownBy(() -> builder.addNamespace(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("namespace must be non-blank, got null");
    assertThatThrownBy(() -> builder.addNamespace("a-ns", PayloadEncryption.none()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("namespace 'a-ns' is already declared");
    assertThat(builder.build().getNamespaceNames()).containsExactly("a-ns");
  }

  @Test
  void addEndpoint_invalidNameOrTaskQueue_isRejectedByTheServersRules() {
    NexusSecurityExtension.Builder builder =
        NexusSecurityExtension.newBuilder().addNamespace("a-ns");

    assertThatThrownBy(() -> builder.addEndpoint("bad_name", "a-ns", "tq"))
        .isInstanceOf(EndpointValidationException.class)
        .hasMessageContaining("bad_name");
    assertThatThrownBy(() -> builder.addEndpoint("good", "a-ns", "/_sys/tq"))
        .isInstanceOf(EndpointValidationException.class)
        .hasMessageContaining("/_sys/");
    assertThat(builder.build().getEndpoints()).isEmpty();
  }

  @Test
  void addEndpoint_duplicateName_isRejected() {
    NexusSecurityExtension.Builder builder =
        NexusSecurityExtension.newBuilder().addNamespace("a-ns").addEndpoint("ep", "a-ns", "tq");

    assertThatThrownBy(
            () ->
                builder.addEndpoint(
                    NexusEndpoint.newBuilder()
                        .setName("ep")
                        .setTargetNamespace("a-ns")
                        .setTargetTaskQueue("other-tq")
                        .build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("endpoint 'ep' is already declared");
    assertThat(builder.build().getEndpoints())
        .extracting(NexusEndpoint::getTargetTaskQueue)
        .containsExactly("tq");
  }

  @Test
  void build_endpointWithUndeclaredTargetOrCaller_namesEveryProblem() {
    NexusSecurityExtension.Builder builder =
        NexusSecurityExtension.newBuilder()
            .addNamespace("orders-ns")
            .addEndpoint("payments", "payment-ns", "payments-tq", "orders-ns", "order-ns");

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "endpoint 'payments' targets namespace 'payment-ns', which is not declared; endpoint"
                + " 'payments' allows caller namespace 'order-ns', which is not declared. Declared"
                + " namespaces: [orders-ns]; declare them with addNamespace(...)");
  }

  @Test
  void addEndpoint_withoutAllowedCallers_admitsNobody() {
    NexusSecurityExtension extension =
        NexusSecurityExtension.newBuilder()
            .addNamespace("a-ns")
            .addEndpoint("closed", "a-ns", "tq")
            .build();

    assertThat(extension.getEndpoints().get(0).isCallerAllowed("a-ns")).isFalse();
  }

  @Test
  void setKeySeed_ofWrongLength_isRejected_andTheGivenSeedIsCopied() {
    NexusSecurityExtension.Builder builder =
        NexusSecurityExtension.newBuilder().addNamespace("a-ns");

    assertThatThrownBy(() -> builder.setKeySeed(new byte[16]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("seed must be exactly 32 bytes, got 16 bytes");
    byte[] seed = new byte[32];
    builder.setKeySeed(seed);
    seed[0] = 1;
    NexusSecurityExtension.Config config = configOf(builder.build());
    assertThat(config.keySeed).containsOnly(0);
  }

  private static NexusSecurityExtension.Config configOf(NexusSecurityExtension extension) {
    try {
      java.lang.reflect.Field field = NexusSecurityExtension.class.getDeclaredField("config");
      field.setAccessible(true);
      return (NexusSecurityExtension.Config) field.get(extension);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }
}
