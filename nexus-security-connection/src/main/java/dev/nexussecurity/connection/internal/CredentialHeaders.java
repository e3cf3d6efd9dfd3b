package dev.nexussecurity.connection.internal;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Which gRPC header names carry credentials, so that they are never sent without TLS.
 *
 * <p>A header carries credentials when its name, compared case-insensitively, is one of {@link
 * #NAMES} or contains one of {@link #NAME_PARTS}. The parts are broad on purpose: a header that
 * looks like a credential and is not costs a TLS setting, a credential that slips through costs the
 * credential.
 */
public final class CredentialHeaders {
  /** Header names that carry credentials. */
  public static final Set<String> NAMES =
      Set.of("authorization", "proxy-authorization", "cookie", "x-api-key", "temporal-api-key");

  /** Parts of header names that mark a credential. */
  public static final List<String> NAME_PARTS =
      List.of(
          "auth",
          "token",
          "secret",
          "password",
          "passwd",
          "api-key",
          "apikey",
          "api_key",
          "credential",
          "cookie",
          "session",
          "bearer",
          "jwt",
          "private-key",
          "privatekey");

  /** The rule in words, for messages and docs. */
  public static final String RULE =
      "a header named "
          + String.join(", ", NAMES.stream().sorted().toList())
          + ", or whose name contains "
          + String.join(", ", NAME_PARTS)
          + " (case-insensitive)";

  private CredentialHeaders() {}

  /** The first of {@code names} that carries credentials; empty if none does. */
  public static Optional<String> first(Iterable<String> names) {
    for (String name : names) {
      if (isCredential(name)) {
        return Optional.of(name);
      }
    }
    return Optional.empty();
  }

  /** Whether a header named {@code name} carries credentials. */
  public static boolean isCredential(String name) {
    String lower = Objects.requireNonNull(name, "name").toLowerCase(Locale.ROOT);
    if (NAMES.contains(lower)) {
      return true;
    }
    for (String part : NAME_PARTS) {
      if (lower.contains(part)) {
        return true;
      }
    }
    return false;
  }
}
