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
 * this version no longer reads payloads earlier versions wrote.
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
      assertThat(e.getReason().name()).isEqualTo(vector.get("error").asText());
    }
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
