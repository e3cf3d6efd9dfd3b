package dev.nexussecurity.core.internal.server;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.signature.SignatureConfig;
import com.google.crypto.tink.signature.SignatureConfig2026;
import com.google.protobuf.ByteString;
import io.temporal.api.common.v1.Payload;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.function.UnaryOperator;

/** The fixed test-only registry keysets of the known-answer vectors. */
public final class TestKeys {
  private TestKeys() {}

  /** The registry's private keyset (test only). */
  public static KeysetHandle registry() {
    return load("registry-test-keyset.json");
  }

  /** The public half of {@link #registry()}. */
  public static KeysetHandle registryPublic() {
    try {
      return registry().getPublicKeysetHandle();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A verifier of {@link #registryPublic()}. */
  public static PolicyVerifier registryPublicVerifier() {
    return PolicyVerifier.fromPublicKeyset(registryPublic());
  }

  /** Another registry's private keyset (test only). */
  public static KeysetHandle other() {
    return load("other-test-keyset.json");
  }

  /** A resource of {@code /server/} as UTF-8 text. */
  public static String resource(String name) {
    try (InputStream in = TestKeys.class.getResourceAsStream("/server/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource /server/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * {@code description} (a signed policy or manifest) with the JSON inside its envelope edited by
   * {@code edit}, keeping the original signature: what someone who edits a description on the
   * server without the registry key can produce.
   */
  public static Payload editSignedJson(Payload description, UnaryOperator<String> edit) {
    String data = description.getData().toStringUtf8();
    String envelope = data.substring(1, data.length() - 1);
    String[] parts = envelope.split("\\.");
    String json = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
    String forged =
        parts[0]
            + "."
            + Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(edit.apply(json).getBytes(StandardCharsets.UTF_8))
            + "."
            + parts[2];
    return description.toBuilder().setData(ByteString.copyFromUtf8("\"" + forged + "\"")).build();
  }

  /** The JSON signed inside {@code description}'s envelope. */
  public static String signedJson(Payload description) {
    String data = description.getData().toStringUtf8();
    String[] parts = data.substring(1, data.length() - 1).split("\\.");
    return new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
  }

  private static KeysetHandle load(String name) {
    try {
      SignatureConfig.register();
      return TinkJsonProtoKeysetFormat.parseKeyset(
          resource(name), SignatureConfig2026.get(), InsecureSecretKeyAccess.get());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
