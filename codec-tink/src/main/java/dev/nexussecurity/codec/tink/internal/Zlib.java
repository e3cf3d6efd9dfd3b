package dev.nexussecurity.codec.tink.internal;

import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import javax.annotation.Nullable;

/** zlib (RFC 1950) compression with the JDK's {@link Deflater} / {@link Inflater}. */
final class Zlib {
  private Zlib() {}

  /**
   * Compresses {@code input}, or returns null if the zlib stream would not be strictly shorter.
   * Stops as soon as the output reaches the input's length.
   */
  static @Nullable byte[] compressIfSmaller(byte[] input) {
    if (input.length < 2) {
      return null;
    }
    Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION);
    try {
      deflater.setInput(input);
      deflater.finish();
      byte[] out = new byte[input.length - 1];
      int length = 0;
      while (!deflater.finished() && length < out.length) {
        length += deflater.deflate(out, length, out.length - length);
      }
      return deflater.finished() ? Arrays.copyOf(out, length) : null;
    } finally {
      deflater.end();
    }
  }

  /**
   * Thrown when a zlib stream is invalid, truncated, followed by extra bytes or inflates too large.
   */
  static final class InvalidStreamException extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidStreamException(String message) {
      super(message);
    }
  }

  /**
   * Inflates one complete zlib stream that must fill {@code input} and inflate to at most {@code
   * max}.
   */
  static byte[] decompress(byte[] input, int max) throws InvalidStreamException {
    Inflater inflater = new Inflater();
    try {
      inflater.setInput(input);
      int cap = max + 1; // one byte more than allowed, to detect streams that inflate past max
      byte[] out = new byte[(int) Math.min(cap, Math.max(256L, input.length * 4L))];
      int length = 0;
      while (!inflater.finished()) {
        if (length == out.length) {
          if (out.length == cap) {
            throw new InvalidStreamException(
                "the zlib stream inflates to more than " + max + " bytes");
          }
          out = Arrays.copyOf(out, (int) Math.min(cap, out.length * 2L));
        }
        int n;
        try {
          n = inflater.inflate(out, length, out.length - length);
        } catch (DataFormatException e) {
          throw new InvalidStreamException("the zlib stream is invalid");
        }
        if (n == 0
            && !inflater.finished()
            && (inflater.needsInput() || inflater.needsDictionary())) {
          throw new InvalidStreamException("the zlib stream is truncated or needs a dictionary");
        }
        length += n;
      }
      if (length > max) {
        throw new InvalidStreamException("the zlib stream inflates to more than " + max + " bytes");
      }
      if (inflater.getRemaining() != 0) {
        throw new InvalidStreamException("extra bytes follow the zlib stream");
      }
      return length == out.length ? out : Arrays.copyOf(out, length);
    } finally {
      inflater.end();
    }
  }
}
