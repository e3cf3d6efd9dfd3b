package dev.nexussecurity.tools.internal;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KmsClient;
import dev.nexussecurity.core.internal.keys.KeysetFiles;
import dev.nexussecurity.core.internal.keys.NamespaceKeyFiles;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Option;

/**
 * How a file with private keys is protected: under a KMS key ({@code --kms-uri}) or, for
 * development only and said explicitly, in cleartext ({@code --insecure-cleartext}).
 */
public final class ProtectionOptions {
  @Option(
      names = {"--kms-uri", "--master-key-uri"},
      paramLabel = "URI",
      description =
          "The file's keysets are encrypted under this KMS key (aws-kms://..., gcp-kms://...,"
              + " fake-kms://... for local trials).")
  String kmsUri;

  @Option(
      names = "--insecure-cleartext",
      description =
          "The file holds private keys in cleartext: development and tests only, anyone who reads"
              + " it holds the keys.")
  boolean insecureCleartext;

  @Option(
      names = "--associated-data",
      paramLabel = "TEXT",
      description = "Associated data the keysets are encrypted with (default: none).")
  String associatedData;

  @Option(
      names = "--kms-client-class",
      paramLabel = "CLASS",
      description =
          "A Tink KmsClient on the class path for --kms-uri, e.g."
              + " com.google.crypto.tink.integration.awskms.AwsKmsClient.")
  String kmsClientClass;

  @Option(
      names = "--kms-credentials",
      paramLabel = "FILE",
      description = "Credentials file for --kms-client-class (default: its default credentials).")
  String kmsCredentials;

  /** Checks that exactly one protection was chosen. */
  void validate() {
    if (kmsUri != null && insecureCleartext) {
      throw new CommandFailure(
          Commands.USAGE, "give either --kms-uri or --insecure-cleartext, not both");
    }
    if (kmsUri == null && !insecureCleartext) {
      throw new CommandFailure(
          Commands.USAGE,
          "say how the private keys are protected: --kms-uri URI (production) or"
              + " --insecure-cleartext (development only)");
    }
    if (kmsUri != null && kmsUri.isBlank()) {
      throw new CommandFailure(Commands.USAGE, "--kms-uri must not be blank");
    }
    if (insecureCleartext && (associatedData != null || kmsClientClass != null)) {
      throw new CommandFailure(
          Commands.USAGE,
          "--associated-data and --kms-client-class go with --kms-uri, not --insecure-cleartext");
    }
  }

  boolean isCleartext() {
    validate();
    return insecureCleartext;
  }

  String uri() {
    return kmsUri;
  }

  KmsClient client(CommandContext ctx) {
    return ctx.kmsClient(kmsUri, kmsClientClass, kmsCredentials);
  }

  Aead kek(CommandContext ctx) {
    return KeysetFiles.kmsAead(client(ctx), kmsUri);
  }

  byte[] associatedData() {
    return associatedData == null ? new byte[0] : associatedData.getBytes(StandardCharsets.UTF_8);
  }

  NamespaceKeyFiles.Protection namespaceProtection(CommandContext ctx) {
    validate();
    return insecureCleartext
        ? NamespaceKeyFiles.Protection.cleartext()
        : new NamespaceKeyFiles.Protection(client(ctx), kmsUri, associatedData());
  }

  /** "encrypted under fake-kms://<redacted>" or "in cleartext (development only)". */
  String describe() {
    return insecureCleartext
        ? "in cleartext (development only)"
        : "encrypted under " + KeysetFiles.redact(kmsUri);
  }
}
