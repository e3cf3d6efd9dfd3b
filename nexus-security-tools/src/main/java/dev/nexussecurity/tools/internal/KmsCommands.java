package dev.nexussecurity.tools.internal;

import dev.nexussecurity.tools.InsecureFakeKmsClient;
import picocli.CommandLine.Command;

/** {@code kms ...}: helpers for KMS key URIs. */
@Command(
    name = "kms",
    mixinStandardHelpOptions = true,
    description = "KMS key URIs.",
    subcommands = {KmsCommands.NewFakeUri.class})
public final class KmsCommands {

  @Command(
      name = "new-fake-uri",
      mixinStandardHelpOptions = true,
      description =
          "Print a new fake-kms:// key URI for local trials. The URI IS the key: never use it for"
              + " production keys.")
  public static final class NewFakeUri extends Commands.LeafCommand {
    @Override
    void run() throws Exception {
      context.err().println("warning: a fake-kms:// URI holds its key; local trials only");
      context.out().println(InsecureFakeKmsClient.newKeyUri());
    }
  }
}
