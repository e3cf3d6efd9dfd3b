package dev.nexussecurity.core.internal.json;

import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.api.internal.AtomicFileWriter;
import dev.nexussecurity.core.RegistryFiles;
import dev.nexussecurity.core.internal.server.HighWaterMark;
import dev.nexussecurity.core.internal.server.HighWaterMarkFile;
import dev.nexussecurity.core.internal.server.ManifestCodec;
import dev.nexussecurity.core.internal.server.PolicyCodec;
import dev.nexussecurity.core.internal.server.PolicyDocument;
import dev.nexussecurity.core.internal.server.PolicySigner;
import dev.nexussecurity.core.internal.server.RegistryManifest;
import dev.nexussecurity.core.internal.server.TestKeys;
import dev.nexussecurity.core.internal.server.VerifiedManifest;
import io.temporal.api.common.v1.Payload;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs in a JVM whose classpath holds the oldest supported Jackson instead of the build's, for
 * {@link StrictJsonTest}: exercises the JSON readers and writers of core (strict JSON, registry
 * files, signed policies and manifests, the registry state file) and prints {@code OK} and the
 * Jackson version, or the error and exits 1. Mode {@code canary} uses an API that the oldest
 * Jackson lacks (what the registry file writer used before), to show that the check can fail.
 */
public final class OldestJacksonCheck {
  private OldestJacksonCheck() {}

  public static void main(String[] args) {
    try {
      String version = com.fasterxml.jackson.core.json.PackageVersion.VERSION.toString();
      if (args.length > 0 && args[0].equals("canary")) {
        System.out.println("canary " + Separators.Spacing.AFTER + " on " + version);
        return;
      }
      ObjectNode o = StrictJson.newObject();
      o.put("a", "\u00e9");
      o.putArray("l").add(1);
      o.putObject("e");
      String pretty = StrictJson.writePretty(o);
      String compact = new String(StrictJson.write(o), StandardCharsets.UTF_8);
      StrictJson.parse(pretty, 1000, "pretty").field("l").elements();
      Path dir = Files.createTempDirectory("oldest-jackson");
      Path file = dir.resolve("registry.json");
      NexusEndpoint e =
          NexusEndpoint.newBuilder()
              .setName("payments")
              .setTargetNamespace("payments-ns")
              .setTargetTaskQueue("q")
              .addAllowedCallerNamespace("orders-ns")
              .setVersion(1)
              .build();
      RegistryFiles.save(file, List.of(e));
      if (!RegistryFiles.load(file).equals(List.of(e))) {
        throw new AssertionError("registry file did not round-trip");
      }
      for (String done : ServerFormats.roundTrip()) {
        System.out.println(done);
      }
      System.out.println("OK jackson " + version + " " + compact + " " + pretty.length());
    } catch (Throwable t) {
      System.out.println("FAILED: " + t);
      System.exit(1);
    }
  }

  /** The signed server formats and the worker's state file. */
  static final class ServerFormats {
    static List<String> roundTrip() throws Exception {
      PolicySigner signer = PolicySigner.fromPrivateKeyset(TestKeys.registry());
      NexusEndpoint e =
          NexusEndpoint.newBuilder()
              .setName("payments")
              .setTargetNamespace("payments-ns")
              .setTargetTaskQueue("q")
              .addAllowedCallerNamespace("orders-ns")
              .setVersion(1)
              .build();
      Instant now = Instant.parse("2025-05-01T10:00:00Z");
      Payload policy = PolicyCodec.encode(new PolicyDocument("prod", e, now), signer);
      if (!PolicyCodec.decode(policy, signer.getVerifier(), "prod")
          .getDocument()
          .getEndpoint()
          .equals(e)) {
        throw new AssertionError("policy did not round-trip");
      }
      RegistryManifest m =
          new RegistryManifest(
              "prod",
              1,
              now,
              now.plusSeconds(60),
              new TreeMap<>(Map.of("payments", PolicyCodec.digest(policy))));
      VerifiedManifest back =
          ManifestCodec.decode(ManifestCodec.encode(m, signer), signer.getVerifier(), "prod");
      if (!back.manifest().equals(m)) {
        throw new AssertionError("manifest did not round-trip");
      }
      Path state = Files.createTempDirectory("oldest-jackson").resolve("state.json");
      HighWaterMarkFile file = new HighWaterMarkFile(state, AtomicFileWriter.DEFAULT);
      file.write(HighWaterMark.of(back));
      if (!file.read("prod").orElseThrow().equals(HighWaterMark.of(back))) {
        throw new AssertionError("state file did not round-trip");
      }
      return List.of("policy, manifest and state file round-trip");
    }
  }
}
