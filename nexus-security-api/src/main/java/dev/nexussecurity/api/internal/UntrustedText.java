package dev.nexussecurity.api.internal;

/**
 * The one sanitiser for text that nexus-security did not produce itself (token claims, header and
 * metadata values, file contents, names sent by a server or a caller) before it appears in an
 * exception message, a log line or an audit event.
 *
 * <p>{@link #quote} keeps printable ASCII, escapes everything else as {@code \\uXXXX} (control
 * characters, line and paragraph separators, format characters such as zero-width spaces and bidi
 * overrides, every non-ASCII character) and the backslash itself as {@code \\\\}, so the result can
 * neither break a line, nor reorder or hide text, nor be confused with an escape that was in the
 * input; it cuts long text to a maximum and says how long the original was. {@link #firstUnsafe}
 * finds the first character a validator should refuse outright.
 *
 * <p>Not part of the public API.
 *
 * <pre>{@code
 * throw new IllegalArgumentException("unknown claim '" + UntrustedText.quote(name) + "'");
 * }</pre>
 */
public final class UntrustedText {
  /** The maximum length of what {@link #quote(String)} shows, before its length suffix. */
  public static final int DEFAULT_MAX_CHARS = 64;

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private UntrustedText() {}

  /**
   * {@code text} made safe for a message, at most {@value #DEFAULT_MAX_CHARS} characters long
   * (escapes included) plus a length suffix when cut; {@code "(none)"} for {@code null}.
   */
  public static String quote(String text) {
    return quote(text, DEFAULT_MAX_CHARS);
  }

  /**
   * {@code text} made safe for a message: at most {@code maxChars} characters long (escapes
   * included), then {@code ...(N chars)} naming the original length when it was cut; {@code
   * "(none)"} for {@code null}.
   */
  public static String quote(String text, int maxChars) {
    if (text == null) {
      return "(none)";
    }
    if (maxChars < 1) {
      throw new IllegalArgumentException("maxChars must be at least 1, got " + maxChars);
    }
    StringBuilder out = new StringBuilder(Math.min(text.length(), maxChars) + 24);
    int i = 0;
    for (; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean plain = c >= 0x20 && c < 0x7f && c != '\\';
      int width = plain ? 1 : (c == '\\' ? 2 : 6);
      if (out.length() + width > maxChars) {
        break;
      }
      if (plain) {
        out.append(c);
      } else if (c == '\\') {
        out.append("\\\\");
      } else {
        out.append("\\u")
            .append(HEX[(c >> 12) & 0xf])
            .append(HEX[(c >> 8) & 0xf])
            .append(HEX[(c >> 4) & 0xf])
            .append(HEX[c & 0xf]);
      }
    }
    if (i < text.length()) {
      out.append("...(").append(text.length()).append(" chars)");
    }
    return out.toString();
  }

  /**
   * The index of the first character of {@code text} that must never appear in a name or an
   * identifier: a control character, a line or paragraph separator, a format character (zero-width
   * characters, bidi controls, the byte order mark), a private-use or unassigned code point, or an
   * unpaired surrogate; {@code -1} when there is none.
   */
  public static int firstUnsafe(String text) {
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      if (isUnsafe(cp)) {
        return i;
      }
      i += Character.charCount(cp);
    }
    return -1;
  }

  /** Whether {@code codePoint} is one that {@link #firstUnsafe} refuses. */
  public static boolean isUnsafe(int codePoint) {
    switch (Character.getType(codePoint)) {
      case Character.CONTROL:
      case Character.FORMAT:
      case Character.LINE_SEPARATOR:
      case Character.PARAGRAPH_SEPARATOR:
      case Character.PRIVATE_USE:
      case Character.SURROGATE:
      case Character.UNASSIGNED:
        return true;
      default:
        return false;
    }
  }

  /** A code point as {@code U+XXXX} for messages, e.g. {@code U+200B}. */
  public static String codePoint(int codePoint) {
    return String.format("U+%04X", codePoint);
  }
}
