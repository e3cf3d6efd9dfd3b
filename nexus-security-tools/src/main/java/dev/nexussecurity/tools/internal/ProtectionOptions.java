package dev.nexussecurity.tools.internal;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KmsClient;
import dev.nexussecurity.core.internal.keys.KeysetFiles;
import dev.nexussecurity.core.internal.keys.NamespaceKeyFiles;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * How a file with private keys is protected: under a KMS key ({@code --kms-uri}) or, for
 * development only and said explicitly, in cleartext ({@code --insecure-cleartext}).
 */
public final class ProtectionOptions {
  @Mixin KmsOptions kms = new KmsOptions();

  @Option(
      names = "--insecure-cleartext",
      description =
          "The file holds private keys in cleartext: development and tests only, anyone who reads"
              + " it holds the keys.")
  boolean insecureCleartext;

  /**
   * A protection under the KMS key of {@code kms} (the options of a command that only encrypts).
   */
  static ProtectionOptions underKms(KmsOptions kms) {
    if (kms.kmsUri == null) {
      throw new CommandFailure(
          Commands.USAGE, "give --kms-uri URI: the KMS key the new file is encrypted under");
    }
    ProtectionOptions p = new ProtectionOptions();
    p.kms = kms;
    p.validate();
    return p;
  }

  /** Checks that exactly one protection was chosen. */
  void validate() {
    if (kms.kmsUri != null && insecureCleartext) {
      throw new CommandFailure(
          Commands.USAGE, "give either --kms-uri or --insecure-cleartext, not both");
    }
    if (kms.kmsUri == null && !insecureCleartext) {
      throw new CommandFailure(
          Commands.USAGE,
          "say how the private keys are protected: --kms-uri URI (production) or"
              + " --insecure-cleartext (development only)");
    }
    if (kms.kmsUri != null && kms.kmsUri.isBlank()) {
      throw new CommandFailure(Commands.USAGE, "--kms-uri must not be blank");
    }
    if (insecureCleartext && (kms.associatedData != null || kms.kmsClientClass != null)) {
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
    return kms.kmsUri;
  }

  KmsClient client(CommandContext ctx) {
    return ctx.kmsClient(kms.kmsUri, kms.kmsClientClass, kms.kmsCredentials);
  }

  Aead kek(CommandContext ctx) {
    return KeysetFiles.kmsAead(client(ctx), kms.kmsUri);
  }

  byte[] associatedData() {
    return kms.associatedData == null
        ? new byte[0]
        : kms.associatedData.getBytes(StandardCharsets.UTF_8);
  }

  NamespaceKeyFiles.Protection namespaceProtection(CommandContext ctx) {
    validate();
    return insecureCleartext
        ? NamespaceKeyFiles.Protection.cleartext()
        : new NamespaceKeyFiles.Protection(client(ctx), kms.kmsUri, associatedData());
  }

  /** "encrypted under fake-kms://<redacted>" or "in cleartext (development only)". */
  String describe() {
    return insecureCleartext
        ? "in cleartext (development only)"
        : "encrypted under " + KeysetFiles.redact(kms.kmsUri);
  }
}
