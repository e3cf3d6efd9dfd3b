package dev.nexussecurity.tools;

import com.google.crypto.tink.KmsClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Runs {@link NexusSecurityKeys} in this JVM and captures what it prints. */
final class Cli {
  /** What one command did. */
  record Result(int exit, String out, String err) {
    String all() {
      return out + err;
    }
  }

  private final List<KmsClient> kmsClients;

  Cli(KmsClient... kmsClients) {
    this.kmsClients = List.of(kmsClients);
  }

  Result run(Object... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String[] a = new String[args.length];
    for (int i = 0; i < args.length; i++) {
      a[i] = String.valueOf(args[i]);
    }
    int exit =
        new NexusSecurityKeys(
                kmsClients,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8))
            .run(a);
    return new Result(
        exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** A new fake-kms:// URI. */
  String newKmsUri() {
    Result r = run("kms", "new-fake-uri");
    if (r.exit() != 0) {
      throw new AssertionError(r);
    }
    return r.out().trim();
  }

  /** Every file under {@code dir}, as relative paths. */
  static List<String> files(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      List<String> names = new ArrayList<>();
      s.forEach(p -> names.add(dir.relativize(p).toString()));
      names.sort(null);
      return names;
    }
  }

  /** The base64 "value" fields of a cleartext Tink JSON keyset: its key material. */
  static List<String> keyMaterial(String cleartextJson) {
    List<String> values = new ArrayList<>();
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("\"value\"\\s*:\\s*\"([^\"]+)\"").matcher(cleartextJson);
    while (m.find()) {
      values.add(m.group(1));
    }
    return values;
  }
}
