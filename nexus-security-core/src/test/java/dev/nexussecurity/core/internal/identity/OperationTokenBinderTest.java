package dev.nexussecurity.core.internal.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexussecurity.core.keys.NamespaceKeys;
import java.security.GeneralSecurityException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OperationTokenBinderTest {
  static NamespaceKeys handler;
  static NamespaceKeys otherHandler;

  @BeforeAll
  static void keys() {
    handler = NamespaceKeys.generate("payments", false);
    otherHandler = NamespaceKeys.generate("payments", false);
  }

  @Test
  void open_ofBoundToken_returnsInnerTokenAndStarter() throws Exception {
    OperationTokenBinder binder = OperationTokenBinder.create(handler);
    String bound = binder.bind("inner-token", "orders", "jti-1");
    assertThat(bound).startsWith("nso1.").doesNotContain("inner-token");
    assertThat(binder.open(bound))
        .isEqualTo(new OperationTokenBinder.Bound("inner-token", "orders", "jti-1"));
  }

  @Test
  void open_byAnotherReplicaOfTheSameNamespace_succeeds() throws Exception {
    String bound = OperationTokenBinder.create(handler).bind("inner", "orders", "jti-1");
    assertThat(OperationTokenBinder.create(handler).open(bound).tokenId()).isEqualTo("jti-1");
  }

  @Test
  void open_withStarterRewritten_isRefused() throws Exception {
    OperationTokenBinder binder = OperationTokenBinder.create(handler);
    String bound = binder.bind("inner", "orders", "jti-1");
    String[] parts = bound.split("\\.");
    parts[2] =
        java.util.Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString("audit".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThatThrownBy(() -> binder.open(String.join(".", parts)))
        .isInstanceOf(GeneralSecurityException.class)
        .hasMessageContaining("does not verify");
  }

  @Test
  void open_ofTokenBoundByAnotherKey_isRefused() {
    String bound = OperationTokenBinder.create(otherHandler).bind("inner", "orders", "jti-1");
    assertThatThrownBy(() -> OperationTokenBinder.create(handler).open(bound))
        .isInstanceOf(GeneralSecurityException.class);
  }

  @Test
  void open_ofUnboundSdkToken_isRefused_namingTheProblem() {
    assertThatThrownBy(() -> OperationTokenBinder.create(handler).open("eyJ0IjoxfQ"))
        .isInstanceOf(GeneralSecurityException.class)
        .hasMessageContaining("not issued by a nexus-security handler");
  }
}
