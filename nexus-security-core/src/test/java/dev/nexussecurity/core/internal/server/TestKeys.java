package dev.nexussecurity.core.internal.server;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.signature.SignatureConfig;
import com.google.crypto.tink.signature.SignatureConfig2026;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

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
