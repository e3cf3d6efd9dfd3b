package dev.nexussecurity.core.internal.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Properties of {@link SignedEnvelope}: sealing then parsing returns the payload and the exact
 * bytes the tag covers; any other text parses only as three parts of unpadded base64url of the
 * expected type, and is otherwise refused with a {@link StrictJsonException}.
 */
class SignedEnvelopePropertiesTest {
  private static final String TYPE = "nspol2";

  @Property(tries = 500)
  void seal_thenParse_returnsThePayloadAndTheSignedBytes(
      @ForAll("payloads") byte[] payload, @ForAll("types") String type) throws Exception {
    String sealed = SignedEnvelope.seal(type, payload, SignedEnvelopePropertiesTest::tag);
    SignedEnvelope.Parsed p = SignedEnvelope.parse(sealed, type, Integer.MAX_VALUE, "envelope");
    assertThat(p.type()).isEqualTo(type);
    assertThat(p.payload()).isEqualTo(payload);
    assertThat(p.tag()).isEqualTo(tag(p.signedBytes()));
    assertThat(new String(p.signedBytes(), StandardCharsets.US_ASCII))
        .isEqualTo(sealed.substring(0, sealed.lastIndexOf('.')));
    assertThat(sealed).matches("[a-z0-9-]+\\.[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]+");
  }

  @Property(tries = 1000)
  void parse_ofArbitraryText_isThreeBase64urlPartsOfTheTypeOrAStrictJsonException(
      @ForAll("envelopes") String text) {
    SignedEnvelope.Parsed[] parsed = new SignedEnvelope.Parsed[1];
    Throwable thrown =
        catchThrowable(() -> parsed[0] = SignedEnvelope.parse(text, TYPE, 512, "the envelope"));
    if (thrown != null) {
      assertThat(thrown).isExactlyInstanceOf(StrictJsonException.class);
      assertThat(thrown.getMessage()).startsWith("the envelope: ").matches("[\\x20-\\x7e]*");
      return;
    }
    String[] parts = text.split("\\.", -1);
    assertThat(parts).hasSize(3);
    assertThat(parts[0]).isEqualTo(TYPE);
    assertThat(parts[1]).matches("[A-Za-z0-9_-]*");
    assertThat(parts[2]).matches("[A-Za-z0-9_-]+");
    assertThat(text.length()).isLessThanOrEqualTo(512);
    assertThat(parsed[0].tag()).isNotEmpty();
    assertThat(parsed[0].signedBytes())
        .isEqualTo((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
  }

  @Property(tries = 300)
  void tinkKeyId_isTheBigEndianIdAfterATinkOrLegacyPrefix(@ForAll("tags") byte[] tag) {
    SignedEnvelope.Parsed p = new SignedEnvelope.Parsed(TYPE, new byte[0], new byte[0], tag);
    if (tag.length >= 5 && (tag[0] == 1 || tag[0] == 0)) {
      long id = 0;
      for (int i = 1; i < 5; i++) {
        id = (id << 8) | (tag[i] & 0xff);
      }
      assertThat(p.tinkKeyId()).contains((int) id);
    } else {
      assertThat(p.tinkKeyId()).isEmpty();
    }
  }

  private static byte[] tag(byte[] data) throws java.security.GeneralSecurityException {
    return Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(data), 1 + (data.length % 32));
  }

  @Provide
  Arbitrary<byte[]> payloads() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(100);
  }

  @Provide
  Arbitrary<byte[]> tags() {
    return Arbitraries.frequencyOf(
        Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(8)),
        Tuple.of(
            1,
            Arbitraries.bytes()
                .array(byte[].class)
                .ofMinSize(5)
                .ofMaxSize(8)
                .map(
                    b -> {
                      b[0] = (byte) (b[0] & 1);
                      return b;
                    })));
  }

  @Provide
  Arbitrary<String> types() {
    return Arbitraries.strings()
        .withCharRange('a', 'z')
        .withChars('0', '9', '-')
        .ofMinLength(0)
        .ofMaxLength(31)
        .map(s -> "n" + s);
  }

  @Provide
  Arbitrary<String> envelopes() {
    Arbitrary<String> valid =
        payloads()
            .map(
                p -> {
                  try {
                    return SignedEnvelope.seal(TYPE, p, SignedEnvelopePropertiesTest::tag);
                  } catch (java.security.GeneralSecurityException e) {
                    throw new IllegalStateException(e);
                  }
                });
    Arbitrary<String> mutated =
        dev.nexussecurity.core.Mutations.of(valid.map(s -> s.getBytes(StandardCharsets.UTF_8)))
            .map(b -> new String(b, StandardCharsets.ISO_8859_1));
    return Arbitraries.frequencyOf(
        Tuple.of(4, mutated),
        Tuple.of(1, valid),
        Tuple.of(1, Arbitraries.strings().withChars("nspol2.=+/_-Aa\u0430\n ").ofMaxLength(20)),
        Tuple.of(1, Arbitraries.strings().all().ofMaxLength(20)),
        Tuple.of(
            1,
            Arbitraries.of(
                "",
                ".",
                "..",
                "nspol2..",
                "nspol2..A",
                "nspol2.A.A",
                "nspol2.AA.AA",
                "nspol2.AA.AA=",
                "nspol2.A.B.C",
                "NSPOL2.AA.AA",
                "nspol2.\u0100.AA",
                "x".repeat(513))));
  }
}
