package dev.nexussecurity.core.internal.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class HighWaterMarkTest {
  @Test
  void of_recordsAudienceEpochIssueTimeAndDigestOfTheVerifiedManifest() throws Exception {
    PolicySigner signer = PolicySigner.fromPrivateKeyset(TestKeys.registry());
    Instant issuedAt = Instant.parse("2025-05-01T10:00:00.123Z");
    VerifiedManifest verified =
        ManifestCodec.decode(
            ManifestCodec.encode(
                new RegistryManifest(
                    "prod-eu",
                    42,
                    issuedAt,
                    issuedAt.plusSeconds(3600),
                    new TreeMap<>(Map.of("payments", "A".repeat(43)))),
                signer),
            signer.getVerifier(),
            "prod-eu");

    HighWaterMark mark = HighWaterMark.of(verified);

    assertThat(mark)
        .isEqualTo(new HighWaterMark("prod-eu", 42, issuedAt, verified.digest()))
        .isNotNull();
    assertThat(mark.manifestDigest()).isNotEmpty();
  }

  @Test
  void nullParts_areRefused() {
    Instant t = Instant.EPOCH;
    assertThatThrownBy(() -> new HighWaterMark(null, 1, t, "d"))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("audience");
    assertThatThrownBy(() -> new HighWaterMark("a", 1, null, "d")).hasMessage("issuedAt");
    assertThatThrownBy(() -> new HighWaterMark("a", 1, t, null)).hasMessage("manifestDigest");
  }
}
