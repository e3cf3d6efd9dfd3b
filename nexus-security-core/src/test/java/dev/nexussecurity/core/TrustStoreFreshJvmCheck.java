package dev.nexussecurity.core;

import java.nio.file.Path;

/**
 * Loads a trust store file in a JVM where nothing else has touched Tink, for {@link TrustStoreTest}.
 * Prints the trusted namespaces on success; exits non-zero with the error otherwise.
 */
public final class TrustStoreFreshJvmCheck {
  private TrustStoreFreshJvmCheck() {}

  public static void main(String[] args) {
    try {
      System.out.println(TrustStore.fromJsonFile(Path.of(args[0])).getNamespaces());
    } catch (RuntimeException e) {
      System.out.println("FAILED: " + e.getMessage());
      System.exit(1);
    }
  }
}
