package dev.nexussecurity.tools;

import com.google.crypto.tink.KmsClient;
import dev.nexussecurity.tools.internal.CommandContext;
import dev.nexussecurity.tools.internal.Commands;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * The {@code nexus-security-keys} command: creates, rotates, lists and KMS-wraps every key
 * nexus-security uses, without printing key material.
 *
 * <ul>
 *   <li>{@code keyset create|rotate|promote|disable|enable|delete|list|wrap|public} — Tink keysets:
 *       payload AEAD keysets of the Tink payload codec, signing keysets (identity tokens, registry
 *       policies), MAC keysets and HPKE keysets.
 *   <li>{@code namespace-keys create|rotate|promote|remove|list|export-public|wrap} — a namespace's
 *       own key-agreement (X25519) and optional signature (Ed25519) keys, in one namespace keys
 *       file.
 *   <li>{@code directory add|rotate|revoke|remove|show} — the namespace key directory: every
 *       namespace's public keys.
 *   <li>{@code kms new-fake-uri} — a {@code fake-kms://} key URI for local trials ({@link
 *       InsecureFakeKmsClient}).
 * </ul>
 *
 * <p>Files holding private keys are written encrypted under a KMS key ({@code --kms-uri}), or in
 * cleartext only with {@code --insecure-cleartext} (development). Every write is atomic: a failed
 * command leaves its files as they were, and an existing output file is replaced only with {@code
 * --force}. Built in: {@code fake-kms://} URIs; any other Tink KMS client on the class path is used
 * with {@code --kms-client-class} (for example {@code
 * com.google.crypto.tink.integration.awskms.AwsKmsClient}), or passed to the constructor when the
 * command runs from code. Exit codes: {@value #OK} done, {@value #FAILED} failed (bad or unreadable
 * input, wrong KMS key; nothing written), {@value #USAGE} bad command line, {@value #EXISTS} the
 * output file exists (pass {@code --force} to replace it), {@value #KMS_UNAVAILABLE} the KMS could
 * not be reached (retry). Formats and procedures: {@code docs/keys.md}.
 *
 * <pre>{@code
 * java -jar nexus-security-tools-<version>-all.jar namespace-keys create --namespace orders \
 *     --out orders.keys.json --with-signature-key --kms-uri "$KEK_URI"
 * java -jar nexus-security-tools-<version>-all.jar namespace-keys export-public \
 *     --keys orders.keys.json --kms-uri "$KEK_URI" --out orders.public.json
 * java -jar nexus-security-tools-<version>-all.jar directory add --directory key-directory.json \
 *     --from orders.public.json
 * }</pre>
 */
public final class NexusSecurityKeys {
  /** Exit code: done. */
  public static final int OK = Commands.OK;

  /**
   * Exit code: the command failed (a missing, malformed or wrongly protected file, a wrong KMS key,
   * a refused change); nothing was written.
   */
  public static final int FAILED = Commands.FAILED;

  /** Exit code: the command line could not be understood. */
  public static final int USAGE = Commands.USAGE;

  /** Exit code: the output file exists; pass {@code --force} to replace it. */
  public static final int EXISTS = Commands.EXISTS;

  /** Exit code: the KMS could not be reached; retrying may succeed. Nothing was written. */
  public static final int KMS_UNAVAILABLE = Commands.KMS_UNAVAILABLE;

  private final CommandContext context;

  /**
   * Creates the command with the Tink KMS clients that resolve {@code --kms-uri} (tried in order,
   * then {@link InsecureFakeKmsClient} for {@code fake-kms://} URIs).
   *
   * @param kmsClients KMS clients, copied; not null
   * @param out where results go, not null
   * @param err where errors and usage go, not null
   */
  public NexusSecurityKeys(List<KmsClient> kmsClients, PrintStream out, PrintStream err) {
    Objects.requireNonNull(kmsClients, "kmsClients");
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(err, "err");
    this.context =
        new CommandContext(
            kmsClients,
            new InsecureFakeKmsClient(),
            new PrintWriter(out, true, StandardCharsets.UTF_8),
            new PrintWriter(err, true, StandardCharsets.UTF_8));
  }

  /** Runs one command and exits the JVM with its exit code. */
  public static void main(String[] args) {
    System.exit(new NexusSecurityKeys(List.of(), System.out, System.err).run(args));
  }

  /**
   * Runs one command.
   *
   * @return {@link #OK}, {@link #FAILED}, {@link #USAGE}, {@link #EXISTS} or {@link
   *     #KMS_UNAVAILABLE}
   */
  public int run(String... args) {
    try {
      return Commands.execute(context, args);
    } finally {
      context.out().flush();
      context.err().flush();
    }
  }
}
