package dev.nexussecurity.tools.internal;

import picocli.CommandLine.Option;

/** The KMS key a file with private keys is encrypted under, and how to reach the KMS. */
public final class KmsOptions {
  @Option(
      names = {"--kms-uri", "--master-key-uri"},
      paramLabel = "URI",
      description =
          "The file's keysets are encrypted under this KMS key (aws-kms://..., gcp-kms://...,"
              + " fake-kms://... for local trials).")
  String kmsUri;

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
}
