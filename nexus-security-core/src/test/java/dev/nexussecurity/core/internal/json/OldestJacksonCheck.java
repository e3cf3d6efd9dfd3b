package dev.nexussecurity.core.internal.json;

import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.core.RegistryFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs in a JVM whose classpath holds the oldest supported Jackson instead of the build's, for
 * {@link StrictJsonTest}: exercises every JSON reader and writer of core and prints {@code OK} and
 * the Jackson version, or the error and exits 1. Mode {@code canary} uses an API that the oldest
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
      for (String extra : ServerFormats.roundTrip()) {
        System.out.println(extra);
      }
      System.out.println("OK jackson " + version + " " + compact + " " + pretty.length());
    } catch (Throwable t) {
      System.out.println("FAILED: " + t);
      System.exit(1);
    }
  }

  /** The signed server formats; filled in where they are defined. */
  static final class ServerFormats {
    static List<String> roundTrip() {
      return List.of();
    }
  }
}
