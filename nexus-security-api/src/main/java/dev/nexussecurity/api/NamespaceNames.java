package dev.nexussecurity.api;

import dev.nexussecurity.api.internal.UntrustedText;
import java.util.Optional;

/**
 * The one validator of Temporal namespace names in nexus-security: every namespace name that enters
 * the library (an endpoint's target namespace and allowlist, registry files, signed endpoint
 * policies, identity tokens, options, the key directory) goes through it.
 *
 * <p><b>The rule.</b> A namespace name is 1 to {@value #MAX_LENGTH} characters, each a printable
 * ASCII character other than space ({@code U+0021} to {@code U+007E}: letters, digits and
 * punctuation). The length limit is the Temporal server's: it refuses a namespace name longer than
 * its {@code limit.maxIDLength} setting (default 1000 bytes; {@code
 * common/rpc/interceptor/namespace_validator.go} and {@code service/frontend/workflow_handler.go}),
 * and refuses an empty one. The server accepts any other byte; nexus-security is stricter on
 * purpose and refuses whitespace, control characters, format characters (zero-width spaces, bidi
 * controls) and every non-ASCII character, so that an allowlist entry can never look like one
 * namespace and be another (a Cyrillic {@code а} for a Latin {@code a}, a zero-width space inside a
 * name, a trailing newline). Temporal Cloud namespace names (2 to 39 lowercase letters, digits and
 * {@code -}, with the account suffix {@code .acct1}) all pass.
 *
 * <p><b>Case.</b> Namespace names are compared exactly, as the Temporal server compares them: on a
 * self-hosted server {@code Payments} and {@code payments} are two namespaces. Temporal Cloud
 * treats names case-insensitively and only accepts lowercase ones. Because a name that differs from
 * another only in case is almost always a typo that would silently never match, {@link
 * NexusEndpoint} refuses an endpoint whose target namespace and allowlist entries differ only in
 * case ({@link #differOnlyInCase}), and registry files refuse two such spellings anywhere in one
 * file.
 *
 * <p>Messages name the field, the quoted value and the rule, and point at the offending character:
 *
 * <pre>{@code
 * NamespaceNames.isValid("orders-ns");                          // true
 * NamespaceNames.isValid("orders" + (char) 0x200B + "-ns");     // false: a zero-width space
 * NamespaceNames.requireValid("callerNamespace", "p" + (char) 0x430 + "yments");
 * // IllegalArgumentException: "callerNamespace '...' is not a valid namespace name: it has U+0430
 * //   (CYRILLIC SMALL LETTER A) as character 2, which is not ASCII; a namespace name is 1 to 1000
 * //   printable ASCII characters without spaces" (the value quoted with UntrustedText)
 * }</pre>
 *
 * <p>Thread-safe and stateless.
 */
public final class NamespaceNames {
  /** The longest namespace name, in characters (the Temporal server's default limit in bytes). */
  public static final int MAX_LENGTH = 1000;

  /** The rule in words, as messages state it. */
  public static final String RULE =
      "a namespace name is 1 to " + MAX_LENGTH + " printable ASCII characters without spaces";

  private NamespaceNames() {}

  /** Whether {@code name} is a valid namespace name; {@code false} for {@code null}. */
  public static boolean isValid(String name) {
    if (name == null || name.isEmpty() || name.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        return false;
      }
    }
    return true;
  }

  /**
   * What is wrong with {@code name}, phrased to follow "it" in a message (for example {@code "has
   * U+200B (...) as character 3, which is not allowed; a namespace name is ..."}); empty when the
   * name is valid.
   *
   * @param name the name to check; {@code null} is reported as missing
   */
  public static Optional<String> problem(String name) {
    if (name == null) {
      return Optional.of("is missing; " + RULE);
    }
    if (name.isEmpty()) {
      return Optional.of("must not be empty; " + RULE);
    }
    for (int i = 0, position = 1; i < name.length(); position++) {
      int cp = name.codePointAt(i);
      if (cp < 0x21 || cp > 0x7e) {
        return Optional.of("has " + describe(cp, position) + "; " + RULE);
      }
      i += Character.charCount(cp);
    }
    if (name.length() > MAX_LENGTH) {
      return Optional.of(
          "is "
              + name.length()
              + " characters long, more than the limit of "
              + MAX_LENGTH
              + "; "
              + RULE);
    }
    return Optional.empty();
  }

  /**
   * Returns {@code name} if it is a valid namespace name.
   *
   * @param field what the name is, for the message (e.g. {@code "allowedCallerNamespaces"})
   * @throws IllegalArgumentException naming the field, the quoted value and the rule
   */
  public static String requireValid(String field, String name) {
    if (name == null) {
      throw new IllegalArgumentException(field + " is required: " + RULE);
    }
    Optional<String> problem = problem(name);
    if (problem.isPresent()) {
      throw new IllegalArgumentException(
          field
              + " '"
              + UntrustedText.quote(name, 80)
              + "' is not a valid namespace name: it "
              + problem.get());
    }
    return name;
  }

  /**
   * Whether {@code a} and {@code b} are different names that are equal when ASCII letters are
   * compared without regard to case ({@code Payments} and {@code payments}).
   */
  public static boolean differOnlyInCase(String a, String b) {
    return a != null && b != null && !a.equals(b) && a.equalsIgnoreCase(b);
  }

  private static String describe(int cp, int position) {
    String what =
        switch (Character.getType(cp)) {
          case Character.CONTROL -> " (a control character)";
          case Character.FORMAT ->
              " (an invisible format character such as a zero-width space or a bidi control)";
          case Character.SURROGATE -> " (an unpaired surrogate)";
          case Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR ->
              " (whitespace)";
          default -> null;
        };
    String at = UntrustedText.codePoint(cp);
    if (what != null) {
      return at + what + " as character " + position + ", which is not allowed";
    }
    String unicodeName = Character.getName(cp);
    return at
        + (unicodeName == null ? "" : " (" + unicodeName + ")")
        + " as character "
        + position
        + ", which is not ASCII";
  }
}
