package dev.nexussecurity.codec.tink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import dev.nexussecurity.core.keys.KeysetSource;
import io.temporal.api.common.v1.Payload;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Decodes the committed known-answer vectors (written once by {@link KnownAnswerVectorGenerator}
 * with the committed TEST-ONLY keyset) case by case. Never regenerates them: a failure here means
 * this version no longer reads payloads earlier versions wrote (with {@code setAcceptFormat1}).
 */
class KnownAnswerVectorsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static JsonNode root() throws Exception {
    try (InputStream in =
        KnownAnswerVectorsTest.class.getResourceAsStream("/kat/payload-vectors-v1.json")) {
      assertThat(in).as("committed vectors").isNotNull();
      return JSON.readTree(in);
    }
  }

  static TinkPayloadCodec codec(JsonNode root) throws URISyntaxException {
    Path keyset =
        Path.of(
            KnownAnswerVectorsTest.class
                .getResource("/kat/" + root.get("keyset_file").asText())
                .toURI());
    return TinkPayloadCodec.newBuilder()
        .setKeysetSource(KeysetSource.insecureCleartextJson(keyset))
        .setKeysetName(root.get("keyset_name").asText())
        .setAcceptFormat1(true)
        .build();
  }

  static Stream<Arguments> vectors() throws Exception {
    List<Arguments> out = new ArrayList<>();
    for (JsonNode v : root().get("vectors")) {
      out.add(Arguments.of(v.get("name").asText(), v));
    }
    return out.stream();
  }

  static Payload payload(JsonNode node) {
    Payload.Builder b = Payload.newBuilder();
    node.get("metadata")
        .fields()
        .forEachRemaining(
            e ->
                b.putMetadata(
                    e.getKey(),
                    ByteString.copyFrom(Base64.getDecoder().decode(e.getValue().asText()))));
    return b.setData(ByteString.copyFrom(Base64.getDecoder().decode(node.get("data").asText())))
        .build();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void committedVector_decodesAsRecorded(String name, JsonNode vector) throws Exception {
    TinkPayloadCodec codec = codec(root());
    Payload encoded = payload(vector.get("encoded"));
    if (vector.has("decoded")) {
      assertThat(codec.decode(List.of(encoded))).containsExactly(payload(vector.get("decoded")));
    } else {
      PayloadDecryptionException e =
          catchThrowableOfType(
              PayloadDecryptionException.class, () -> codec.decode(List.of(encoded)));
      assertThat(e).as(name + " must fail").isNotNull();
      assertThat(e.getReason().name()).isEqualTo(expectedError(name, vector));
    }
  }

  /**
   * The recorded error, except for the v1 file's "format-version-2" vector: it was written when
   * version 2 was undefined (UNSUPPORTED_FORMAT_VERSION); version 2 now exists, and a payload that
   * claims it but lacks its context entries is MALFORMED.
   */
  private static String expectedError(String name, JsonNode vector) {
    return name.equals("format-version-2") ? "MALFORMED" : vector.get("error").asText();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void committedVector_withoutAcceptFormat1_isRefusedAsLegacyFormat(String name, JsonNode vector)
      throws Exception {
    JsonNode root = root();
    Path keyset =
        Path.of(
            KnownAnswerVectorsTest.class
                .getResource("/kat/" + root.get("keyset_file").asText())
                .toURI());
    TinkPayloadCodec strict =
        TinkPayloadCodec.newBuilder()
            .setKeysetSource(KeysetSource.insecureCleartextJson(keyset))
            .setKeysetName(root.get("keyset_name").asText())
            .build();
    Payload encoded = payload(vector.get("encoded"));
    boolean formatOne =
        encoded.getMetadataMap().containsKey("nexus-security-format")
            && encoded.getMetadataOrThrow("nexus-security-format").toStringUtf8().equals("1")
            && encoded
                .getMetadataOrDefault("encoding", ByteString.EMPTY)
                .toStringUtf8()
                .equals("binary/encrypted");
    if (!formatOne) {
      return; // plaintext and other-version vectors are covered above
    }
    PayloadDecryptionException e =
        catchThrowableOfType(
            PayloadDecryptionException.class, () -> strict.decode(List.of(encoded)));
    assertThat(e).as(name).isNotNull();
    assertThat(e.getReason()).isEqualTo(PayloadDecryptionException.Reason.LEGACY_FORMAT_REFUSED);
    assertThat(e).hasMessageContaining("setAcceptFormat1(true)");
  }

  @Test
  void vectors_coverSuccessAndEveryDecodeErrorReasonButScheme() throws Exception {
    List<String> errors = new ArrayList<>();
    int ok = 0;
    for (JsonNode v : root().get("vectors")) {
      if (v.has("error")) {
        errors.add(v.get("error").asText());
      } else {
        ok++;
      }
    }
    assertThat(ok).isGreaterThanOrEqualTo(7);
    assertThat(errors)
        .contains(
            "DISABLED_KEY",
            "AUTHENTICATION_FAILED",
            "UNKNOWN_KEY",
            "UNSUPPORTED_FORMAT_VERSION",
            "MALFORMED",
            "PLAINTEXT_REJECTED");
  }
}
