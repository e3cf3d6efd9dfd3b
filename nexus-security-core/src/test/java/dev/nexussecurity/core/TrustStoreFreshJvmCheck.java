package dev.nexussecurity.core;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs in a JVM where nothing has registered Tink's signature key types yet, for {@link
 * TrustStoreTest}. Modes: {@code file <trust.json>} loads a trust store file; {@code keysets
 * <public.json> <private.json>} parses both keysets with plain Tink calls first (so Tink reads them
 * as unknown legacy keys) and then hands them to the trust store builder and to NexusSecurity.
 * Prints {@code OK ...} on success; prints the error and exits 1 otherwise.
 */
public final class TrustStoreFreshJvmCheck {
  private TrustStoreFreshJvmCheck() {}

  public static void main(String[] args) {
    try {
      if (args[0].equals("file")) {
        System.out.println("OK " + TrustStore.fromJsonFile(Path.of(args[1])).getNamespaces());
        return;
      }
      KeysetHandle pub =
          TinkJsonProtoKeysetFormat.parseKeysetWithoutSecret(Files.readString(Path.of(args[1])));
      KeysetHandle priv =
          TinkJsonProtoKeysetFormat.parseKeyset(
              Files.readString(Path.of(args[2])), InsecureSecretKeyAccess.get());
      TrustStore trust = TrustStore.newBuilder().addNamespace("orders-ns", pub).build();
      NexusSecurity.newInstance(
          NexusSecurityOptions.newBuilder()
              .setNamespace("orders-ns")
              .setRegistry(new MapRegistry())
              .setSigningKeyset(priv)
              .setTrustStore(trust)
              .build());
      System.out.println("OK " + trust.getNamespaces());
    } catch (Exception e) {
      System.out.println("FAILED: " + e);
      System.exit(1);
    }
  }
}
