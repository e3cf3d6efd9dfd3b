package dev.nexussecurity.codec.tink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nexussecurity.api.PayloadBindings;
import io.temporal.api.common.v1.Payload;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Decodes the committed format-2 known-answer vectors (written once by {@link
 * KnownAnswerVectorGeneratorV2} with TEST-ONLY keys) case by case, each by the recorded decoder
 * namespace under the recorded binding. Never regenerates them.
 */
class KnownAnswerVectorsV2Test {

  static JsonNode root() throws Exception {
    try (InputStream in =
        KnownAnswerVectorsV2Test.class.getResourceAsStream("/kat/" + KatV2.VECTORS_FILE)) {
      assertThat(in).as("committed vectors").isNotNull();
      return KatV2.JSON.readTree(in);
    }
  }

  static Stream<Arguments> vectors() throws Exception {
    List<Arguments> out = new ArrayList<>();
    for (JsonNode v : root().get("vectors")) {
      out.add(Arguments.of(v.get("name").asText(), v));
    }
    return out.stream();
  }

  @AfterEach
  void clear() {
    PayloadBindings.clear();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void committedVector_decodesAsRecorded(String name, JsonNode vector) throws Exception {
    Path dir = KatV2.dir();
    TinkPayloadCodec codec = KatV2.codec(dir, vector.get("decoder").asText());
    List<Payload> encoded = KatV2.payloads(vector.get("encoded"));
    if (vector.has("binding")) {
      PayloadBindings.set(KatV2.binding(vector.get("binding")));
    }
    if (vector.has("decoded")) {
      assertThat(codec.decode(encoded)).isEqualTo(KatV2.payloads(vector.get("decoded")));
      if (vector.has("binding")
          && vector.get("binding").get("direction").asText().equals("INPUT")) {
        assertThat(
                PayloadBindings.takeVerifiedInput(vector.get("binding").get("binding_id").asText()))
            .isTrue();
      }
    } else {
      String reason;
      try {
        codec.decode(encoded);
        // a handler's INPUT decode records the refusal (for the interceptor) instead of throwing
        reason =
            vector.has("binding")
                ? PayloadBindings.takeRejectedInput(
                        vector.get("binding").get("binding_id").asText())
                    .map(PayloadBindings.RejectedInput::getReasonName)
                    .orElse(null)
                : null;
      } catch (PayloadDecryptionException e) {
        reason = e.getReason().name();
      }
      assertThat(reason).as(name + " must fail").isEqualTo(vector.get("error").asText());
    }
  }

  @Test
  void vectors_coverEveryModeAndTheContextAttacks() throws Exception {
    List<String> schemes = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    for (JsonNode v : root().get("vectors")) {
      for (Payload p : KatV2.payloads(v.get("encoded"))) {
        schemes.add(WireFields.get(p, "nexus-security-scheme"));
      }
      if (v.has("error")) {
        errors.add(v.get("error").asText());
      }
    }
    assertThat(schemes)
        .contains("tink-aead", "pairwise-aes256gcm", "pairwise-gmac", "hpke-x25519-aes256gcm");
    assertThat(errors)
        .contains("CONTEXT_MISMATCH", "AUTHENTICATION_FAILED", "UNSUPPORTED_FORMAT_VERSION");
  }
}
