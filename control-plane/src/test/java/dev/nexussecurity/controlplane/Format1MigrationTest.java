package dev.nexussecurity.controlplane;

import static dev.nexussecurity.controlplane.TestServers.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Format-1 payloads (written by earlier versions) decode only for a namespace configured with
 * {@code acceptFormat1}; the payload is the codec's first format-1 known-answer vector, under its
 * TEST-ONLY keyset.
 */
class Format1MigrationTest {
  private static final String FORMAT1_PAYLOAD =
      "{\"payloads\":[{\"metadata\":{"
          + "\"encoding\":\"YmluYXJ5L2VuY3J5cHRlZA==\","
          + "\"nexus-security-compression\":\"bm9uZQ==\","
          + "\"nexus-security-format\":\"MQ==\","
          + "\"nexus-security-key-id\":\"MjEyOTEyOTc2Mg==\","
          + "\"nexus-security-keyset\":\"a2F0\","
          + "\"nexus-security-scheme\":\"dGluay1hZWFk\"},"
          + "\"data\":\"AX7n8SLRmAmGGgpDJgUJLmh6Dl5pNy2v8L7WGFo6wNEfbZVWHJ4/ewL07yy8g9rx5YU4P3ckJNtu2n9hqOFB9HGdcIoWGcQUng==\"}]}";

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void format1Payload_decodesOnlyWithAcceptFormat1(boolean acceptFormat1) throws Exception {
    Path keyset = dir.resolve("kat.json");
    try (var in =
        Format1MigrationTest.class.getResourceAsStream("/kat/TEST-ONLY-DO-NOT-USE-keyset.json")) {
      Files.copy(in, keyset);
    }
    try (TestIdentityProvider idp = new TestIdentityProvider()) {
      Map<String, Object> c = config(idp, dir, keyset, writeKeyset(dir, "billing"));
      c.put(
          "codec",
          Map.of(
              "namespaces",
              List.of(
                  Map.of(
                      "namespace",
                      "orders",
                      "keysets",
                      List.of(Map.of("name", "kat", "file", keyset.toString())),
                      "acceptFormat1",
                      acceptFormat1))));
      try (ControlPlaneServer server = start(c, dir)) {
        HttpResponse<String> r =
            post(
                server.getUri(),
                "/decode",
                "orders",
                idp.token("rita", "orders-readers"),
                FORMAT1_PAYLOAD);
        if (acceptFormat1) {
          assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
          assertThat(value(parsePayloads(r.body()).get(0))).isEqualTo("hello, world");
        } else {
          assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
          assertThat(r.body()).contains("LEGACY_FORMAT_REFUSED").doesNotContain("hello");
        }
      }
    }
  }
}
