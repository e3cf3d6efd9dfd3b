package dev.nexussecurity.core.internal.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SignedEnvelopeTest {
  /** A stand-in signer: the tag is the reversed data, so the test checks what was signed. */
  private static byte[] reversed(byte[] data) {
    byte[] out = new byte[data.length];
    for (int i = 0; i < data.length; i++) {
      out[i] = data[data.length - 1 - i];
    }
    return out;
  }

  @Test
  void seal_thenParse_givesPayloadAndTheBytesTheTagCovers() throws Exception {
    byte[] payload = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);

    String sealed = SignedEnvelope.seal("nsx1", payload, SignedEnvelopeTest::reversed);
    SignedEnvelope.Parsed p = SignedEnvelope.parse(sealed, "nsx1", 1000, "test envelope");

    assertThat(sealed).startsWith("nsx1.eyJhIjoxfQ.");
    assertThat(p.type()).isEqualTo("nsx1");
    assertThat(p.payload()).isEqualTo(payload);
    assertThat(new String(p.signedBytes(), StandardCharsets.US_ASCII)).isEqualTo("nsx1.eyJhIjoxfQ");
    assertThat(p.tag()).isEqualTo(reversed(p.signedBytes()));
  }

  @Test
  void parse_otherType_isRefused_soASignatureCannotPassAsAnotherFormat() throws Exception {
    String sealed = SignedEnvelope.seal("nspol2", new byte[] {1}, d -> new byte[] {9});

    assertThatThrownBy(() -> SignedEnvelope.parse(sealed, "nsid2", 1000, "identity token"))
        .isInstanceOf(StrictJsonException.class)
        .hasMessage("identity token: is of type 'nspol2', expected 'nsid2'");
  }

  @Test
  void parse_malformedInputs_areRefusedWithTheirReason() {
    assertProblem(null, "is empty");
    assertProblem("", "is empty");
    assertProblem("t1.abc", "does not have three '.'-separated parts");
    assertProblem("t1abc", "does not have three '.'-separated parts");
    assertProblem("t1.ab=c.AA", "has a payload that is not unpadded base64url");
    assertProblem("t1.abc.A+", "has a tag that is not unpadded base64url");
    assertProblem("t1.abc.", "has an empty tag");
    assertProblem("t1.a.AA", "has a payload that is not valid base64url");
    assertProblem("t1.abc." + "A".repeat(100), "has 107 characters, more than the limit of 64");
  }

  private static void assertProblem(String envelope, String problem) {
    assertThatThrownBy(() -> SignedEnvelope.parse(envelope, "t1", 64, "env"))
        .isInstanceOf(StrictJsonException.class)
        .hasMessage("env: " + problem);
  }

  @Test
  void parse_typeWithLineBreak_isQuotedInTheMessage() {
    assertThatThrownBy(() -> SignedEnvelope.parse("t\n1.abc.AA", "t1", 64, "env"))
        .hasMessage("env: is of type 't\\u000A1', expected 't1'");
  }

  @Test
  void seal_invalidType_isRefused() {
    assertThatThrownBy(() -> SignedEnvelope.seal("Bad.Type", new byte[0], d -> d))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Bad.Type");
  }

  @Test
  void tinkKeyId_readsTheOutputPrefix() {
    byte[] tink = {0x01, 0x12, 0x34, 0x56, 0x78, 9, 9};
    byte[] legacy = {0x00, (byte) 0xff, 0, 0, 1, 9};
    byte[] raw = {0x05, 1, 2, 3, 4, 5};

    assertThat(new SignedEnvelope.Parsed("t", new byte[0], new byte[0], tink).tinkKeyId())
        .contains(0x12345678);
    assertThat(new SignedEnvelope.Parsed("t", new byte[0], new byte[0], legacy).tinkKeyId())
        .contains(0xff000001);
    assertThat(new SignedEnvelope.Parsed("t", new byte[0], new byte[0], raw).tinkKeyId()).isEmpty();
    assertThat(
            new SignedEnvelope.Parsed("t", new byte[0], new byte[0], Arrays.copyOf(tink, 4))
                .tinkKeyId())
        .isEmpty();
  }

  @Test
  void parse_atExactlyTheCharacterLimit_isAccepted() throws Exception {
    String envelope = "t1.abcd." + "A".repeat(64 - 8);
    assertThat(SignedEnvelope.parse(envelope, "t1", 64, "env").type()).isEqualTo("t1");
    assertProblem(envelope + "A", "has 65 characters, more than the limit of 64");
  }

  @Test
  void parse_nonCanonicalBase64url_isRefused_soOneTagHasOneSpelling() {
    // "AA" and "AB" decode to the same byte: the decoder ignores the unused low bits
    assertProblem("t1.abc.AB", "has a tag that is not canonical base64url");
    assertProblem("t1.abd.AA", "has a payload that is not canonical base64url");
  }

  @Test
  void parse_withAnEmptyType_isRefusedForItsType() {
    assertProblem(".abc.AA", "is of type '', expected 't1'");
  }

  @Test
  void parsed_equalsComparesEveryPartAndHashCodeFollows() throws Exception {
    SignedEnvelope.Parsed a = SignedEnvelope.parse("t1.abc.AA", "t1", 64, "env");
    SignedEnvelope.Parsed same = SignedEnvelope.parse("t1.abc.AA", "t1", 64, "env");
    assertThat(a).isEqualTo(same).hasSameHashCodeAs(same).isNotEqualTo("t1.abc.AA");
    assertThat(a).isNotEqualTo(SignedEnvelope.parse("t1.abA.AA", "t1", 64, "env"));
    assertThat(a).isNotEqualTo(SignedEnvelope.parse("t1.abc.AQ", "t1", 64, "env"));
    assertThat(a).isNotEqualTo(SignedEnvelope.parse("t2.abc.AA", "t2", 64, "env"));
    assertThat(a)
        .isNotEqualTo(new SignedEnvelope.Parsed("t1", a.payload(), new byte[] {1}, a.tag()));
    assertThat(a.hashCode())
        .isNotEqualTo(SignedEnvelope.parse("t2.abc.AA", "t2", 64, "env").hashCode());
  }

  @Test
  void parsed_toString_namesTypeAndPayloadSizeButNotThePayloadOrTag() throws Exception {
    SignedEnvelope.Parsed a = SignedEnvelope.parse("t1.c2VjcmV0.AA", "t1", 64, "env");

    assertThat(a.toString())
        .isEqualTo("SignedEnvelope.Parsed{type=t1, 6 payload bytes}")
        .doesNotContain("secret")
        .doesNotContain("c2VjcmV0");
  }
}
