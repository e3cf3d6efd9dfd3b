package dev.nexussecurity.core;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Small random edits of valid documents for the property tests: flip a bit, replace, insert or
 * delete a byte, or swap a JSON-significant character, so that inputs stay close to what parsers
 * accept.
 */
public final class Mutations {
  private static final byte[] SIGNIFICANT =
      "{}[]\":,.-0123456789eEtfnul \\/u".getBytes(StandardCharsets.US_ASCII);

  private Mutations() {}

  /** One to three random edits of each value of {@code valid}. */
  public static Arbitrary<byte[]> of(Arbitrary<byte[]> valid) {
    return Combinators.combine(
            valid,
            Arbitraries.integers().between(0, 4).list().ofMinSize(1).ofMaxSize(3),
            Arbitraries.integers().between(0, Integer.MAX_VALUE).list().ofSize(3),
            Arbitraries.bytes().list().ofSize(3))
        .as(
            (doc, kinds, positions, values) -> {
              byte[] d = doc;
              for (int i = 0; i < kinds.size(); i++) {
                d = edit(d, kinds.get(i), positions.get(i), values.get(i));
              }
              return d;
            });
  }

  /** {@code doc} with one edit of {@code kind} (0-4) at {@code position} (modulo the length). */
  public static byte[] edit(byte[] doc, int kind, int position, byte value) {
    if (doc.length == 0) {
      return new byte[] {value};
    }
    int at = position % doc.length;
    byte[] out;
    switch (kind) {
      case 0 -> {
        out = doc.clone();
        out[at] ^= (byte) (1 << (value & 7));
      }
      case 1 -> {
        out = doc.clone();
        out[at] = value;
      }
      case 2 -> {
        out = new byte[doc.length + 1];
        System.arraycopy(doc, 0, out, 0, at);
        out[at] = SIGNIFICANT[(value & 0xff) % SIGNIFICANT.length];
        System.arraycopy(doc, at, out, at + 1, doc.length - at);
      }
      case 3 -> {
        out = new byte[doc.length - 1];
        System.arraycopy(doc, 0, out, 0, at);
        System.arraycopy(doc, at + 1, out, at, doc.length - at - 1);
      }
      default -> {
        out = doc.clone();
        out[at] = SIGNIFICANT[(value & 0xff) % SIGNIFICANT.length];
      }
    }
    return out;
  }
}
