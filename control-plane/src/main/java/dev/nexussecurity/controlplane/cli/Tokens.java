package dev.nexussecurity.controlplane.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Where the bearer token comes from: {@code --token}, {@code --token-file}, the environment. */
final class Tokens {
  /** The environment variable holding the token. */
  static final String ENVIRONMENT_VARIABLE = "NEXUS_SECURITY_TOKEN";

  private Tokens() {}

  /** The token, or {@code null} when none is given (the server may accept a certificate). */
  static String resolve(String flag, Path file, Map<String, String> environment) {
    String token;
    if (flag != null) {
      token = flag;
    } else if (file != null) {
      token = readFile(file, "token");
    } else {
      token = environment.get(ENVIRONMENT_VARIABLE);
    }
    if (token == null) {
      return null;
    }
    token = token.strip();
    if (token.regionMatches(true, 0, "Bearer ", 0, 7)) {
      token = token.substring(7).strip();
    }
    if (token.isEmpty() || token.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
      throw new ApiClient.CliException(
          NexusSecurityCli.USAGE,
          "the token is empty or contains spaces or control characters; pass the access token alone");
    }
    return token;
  }

  static String readFile(Path file, String what) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ApiClient.CliException(
          NexusSecurityCli.FAILURE,
          "cannot read the " + what + " file " + file + " (" + e.getClass().getSimpleName() + ")");
    }
  }
}
