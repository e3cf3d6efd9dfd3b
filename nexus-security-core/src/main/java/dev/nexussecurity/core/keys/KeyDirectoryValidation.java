package dev.nexussecurity.core.keys;

import dev.nexussecurity.api.internal.UntrustedText;

/** Validation shared by the key types of this package. */
final class KeyDirectoryValidation {
  private KeyDirectoryValidation() {}

  /** {@code name} if it is a usable namespace name, else an IllegalArgumentException. */
  static String namespace(String field, String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException(field + " must be a non-blank namespace name");
    }
    int bad = UntrustedText.firstUnsafe(name);
    for (int i = 0; bad < 0 && i < name.length(); i++) {
      char c = name.charAt(i);
      if (c > 0x7e || Character.isWhitespace(c)) {
        bad = i;
      }
    }
    if (bad >= 0 || name.length() > 255) {
      throw new IllegalArgumentException(
          field
              + " '"
              + UntrustedText.quote(name)
              + "' is not a valid namespace name"
              + (bad >= 0
                  ? ": it contains " + UntrustedText.codePoint(name.codePointAt(bad))
                  : ": longer than 255 characters"));
    }
    return name;
  }
}
