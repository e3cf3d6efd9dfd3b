package dev.nexussecurity.tools.internal;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.config.TinkConfig2026;
import dev.nexussecurity.core.internal.keys.NamespaceKeyFiles;
import dev.nexussecurity.core.internal.keys.TinkKeysets;
import dev.nexussecurity.core.keys.NamespaceKeyDirectory;
import dev.nexussecurity.core.keys.NamespaceKeys;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code namespace-keys ...}: one namespace's own private keys, in a namespace keys file. */
@Command(
    name = "namespace-keys",
    description =
        "A namespace's own private keys (X25519 key agreement, optional Ed25519 signature) in one"
            + " namespace keys file; publish their public half with export-public.",
    mixinStandardHelpOptions = true,
    subcommands = {
      NamespaceKeysCommands.Create.class,
      NamespaceKeysCommands.Rotate.class,
      NamespaceKeysCommands.Promote.class,
      NamespaceKeysCommands.Remove.class,
      NamespaceKeysCommands.ListKeys.class,
      NamespaceKeysCommands.ExportPublic.class,
      NamespaceKeysCommands.Wrap.class
    })
public final class NamespaceKeysCommands {

  /** Which of a namespace's keysets a command changes. */
  enum Which {
    AGREEMENT,
    SIGNATURE
  }

  static NamespaceKeys read(CommandContext ctx, Path file, ProtectionOptions p) {
    return NamespaceKeyFiles.read(file, p.namespaceProtection(ctx));
  }

  static void write(
      CommandContext ctx, Path file, NamespaceKeys keys, ProtectionOptions p, boolean replace)
      throws java.io.IOException {
    NamespaceKeyFiles.write(file, keys, p.namespaceProtection(ctx), replace);
  }

  static void printKeys(CommandContext ctx, NamespaceKeys keys) {
    ctx.out().println("agreement keys (X25519):");
    KeysetCommands.printKeys(ctx, keys.getAgreementKeys());
    if (keys.getSignatureKeys().isPresent()) {
      ctx.out().println("signature keys (Ed25519):");
      KeysetCommands.printKeys(ctx, keys.getSignatureKeys().get());
    } else {
      ctx.out().println("no signature keys");
    }
  }

  /** The keyset of {@code keys} that holds {@code keyId}, or a failure. */
  static Which holding(NamespaceKeys keys, int keyId, Path file) {
    if (KeysetCommands.indexOf(keys.getAgreementKeys(), keyId) >= 0) {
      return Which.AGREEMENT;
    }
    if (keys.getSignatureKeys().isPresent()
        && KeysetCommands.indexOf(keys.getSignatureKeys().get(), keyId) >= 0) {
      return Which.SIGNATURE;
    }
    throw new CommandFailure(
        Commands.FAILED,
        "namespace keys file " + file + " has no key " + KeysetCommands.unsigned(keyId) + ".");
  }

  static NamespaceKeys with(NamespaceKeys keys, Which which, KeysetHandle keyset) {
    NamespaceKeys.Builder b = NamespaceKeys.newBuilder(keys.getNamespace());
    if (which == Which.AGREEMENT) {
      b.setAgreementKeys(keyset);
      keys.getSignatureKeys().ifPresent(b::setSignatureKeys);
    } else {
      b.setAgreementKeys(keys.getAgreementKeys());
      b.setSignatureKeys(keyset);
    }
    return b.build();
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description =
          "Create a namespace's keys: an X25519 key-agreement key and, with --with-signature-key,"
              + " an Ed25519 signature key (an existing file only with --force).")
  public static final class Create extends Commands.LeafCommand {
    @Option(names = "--namespace", required = true, paramLabel = "NAMESPACE")
    String namespace;

    @Option(
        names = "--out",
        required = true,
        paramLabel = "FILE",
        description = "The new namespace keys file.")
    Path out;

    @Option(
        names = "--with-signature-key",
        description = "Also make an Ed25519 signature key (for the signature identity mode).")
    boolean withSignatureKey;

    @Option(names = "--force", description = "Replace an existing file.")
    boolean force;

    @Mixin ProtectionOptions protection;

    @Override
    void run() throws Exception {
      protection.validate();
      NamespaceKeys keys;
      try {
        keys = NamespaceKeys.generate(namespace, withSignatureKey);
      } catch (IllegalArgumentException e) {
        throw new CommandFailure(Commands.USAGE, "--namespace: " + e.getMessage());
      }
      write(context, out, keys, protection, force);
      print(
          "created namespace keys of "
              + namespace
              + " in "
              + out
              + " ("
              + protection.describe()
              + "): agreement key "
              + KeysetCommands.unsigned(keys.getAgreementKeys().getPrimary().getId())
              + keys.getSignatureKeys()
                  .map(s -> ", signature key " + KeysetCommands.unsigned(s.getPrimary().getId()))
                  .orElse("")
              + "; publish the public keys with `namespace-keys export-public`");
    }
  }

  @Command(
      name = "rotate",
      mixinStandardHelpOptions = true,
      description =
          "Add a new key that is not primary yet (step 1 of a rotation): publish it in the"
              + " directory, let every peer load the directory, then `promote` it.")
  public static final class Rotate extends Commands.LeafCommand {
    @Option(names = "--keys", required = true, paramLabel = "FILE")
    Path keys;

    @Option(
        names = "--signature",
        description = "Rotate the signature key (default: the key-agreement key).")
    boolean signature;

    @Mixin ProtectionOptions protection;

    @Override
    void run() throws Exception {
      NamespaceKeys current = read(context, keys, protection);
      Which which = signature ? Which.SIGNATURE : Which.AGREEMENT;
      KeysetHandle before;
      TinkKeysets.Kind kind;
      if (which == Which.AGREEMENT) {
        before = current.getAgreementKeys();
        kind = TinkKeysets.Kind.AGREEMENT;
      } else {
        kind = TinkKeysets.Kind.SIGNATURE;
        before = current.getSignatureKeys().orElse(null);
      }
      KeysetHandle after;
      try {
        after =
            before == null
                ? TinkKeysets.generate(kind)
                : TinkKeysets.withNewKey(before, kind, false);
      } catch (GeneralSecurityException e) {
        throw new CommandFailure(Commands.FAILED, "cannot make a new key: " + e.getMessage());
      }
      write(context, keys, with(current, which, after), protection, true);
      int added =
          before == null ? after.getPrimary().getId() : KeysetCommands.addedKey(before, after);
      print(
          (before == null ? "added the first signature key " : "added key ")
              + KeysetCommands.unsigned(added)
              + (before == null ? " (primary)" : " (enabled, not primary)")
              + " to "
              + keys
              + "; export-public and `directory rotate` it, wait until every peer has the"
              + " directory, then `namespace-keys promote` it");
    }
  }

  @Command(
      name = "promote",
      mixinStandardHelpOptions = true,
      description = "Make a key the primary key of its keyset (step 2 of a rotation).")
  public static final class Promote extends Commands.LeafCommand {
    @Option(names = "--keys", required = true, paramLabel = "FILE")
    Path keys;

    @Option(names = "--key-id", required = true, paramLabel = "ID")
    String keyIdText;

    @Mixin ProtectionOptions protection;

    @Override
    void run() throws Exception {
      int keyId = KeysetCommands.keyId(keyIdText);
      NamespaceKeys current = read(context, keys, protection);
      Which which = holding(current, keyId, keys);
      KeysetHandle keyset =
          which == Which.AGREEMENT
              ? current.getAgreementKeys()
              : current.getSignatureKeys().orElseThrow();
      KeysetHandle.Builder b =
          KeysetHandle.newBuilder(keyset).setConfiguration(TinkConfig2026.get());
      b.getAt(KeysetCommands.indexOf(keyset, keyId)).makePrimary();
      write(context, keys, with(current, which, b.build()), protection, true);
      print(
          "promoted "
              + (which == Which.AGREEMENT ? "agreement" : "signature")
              + " key "
              + KeysetCommands.unsigned(keyId)
              + " to primary; export-public and `directory rotate` again so peers see the new"
              + " primary");
    }
  }

  @Command(
      name = "remove",
      mixinStandardHelpOptions = true,
      description =
          "Delete a key that is not primary (after revoking it in the directory): what it"
              + " protected can no longer be read.")
  public static final class Remove extends Commands.LeafCommand {
    @Option(names = "--keys", required = true, paramLabel = "FILE")
    Path keys;

    @Option(names = "--key-id", required = true, paramLabel = "ID")
    String keyIdText;

    @Mixin ProtectionOptions protection;

    @Override
    void run() throws Exception {
      int keyId = KeysetCommands.keyId(keyIdText);
      NamespaceKeys current = read(context, keys, protection);
      Which which = holding(current, keyId, keys);
      KeysetHandle keyset =
          which == Which.AGREEMENT
              ? current.getAgreementKeys()
              : current.getSignatureKeys().orElseThrow();
      int index = KeysetCommands.indexOf(keyset, keyId);
      if (keyset.getAt(index).isPrimary()) {
        throw new CommandFailure(
            Commands.FAILED,
            "key "
                + KeysetCommands.unsigned(keyId)
                + " is the primary key; rotate and promote another key first.");
      }
      KeysetHandle after =
          KeysetHandle.newBuilder(keyset)
              .setConfiguration(TinkConfig2026.get())
              .deleteAt(index)
              .build();
      write(context, keys, with(current, which, after), protection, true);
      print("removed key " + KeysetCommands.unsigned(keyId) + " from " + keys);
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description =
          "List the namespace's key ids, status, primary flags and types (never key material).")
  public static final class ListKeys extends Commands.LeafCommand {
    @Option(names = "--keys", required = true, paramLabel = "FILE")
    Path keys;

    @Mixin ProtectionOptions protection;

    @Override
    void run() {
      NamespaceKeys current = read(context, keys, protection);
      print(
          "namespace keys of "
              + current.getNamespace()
              + " in "
              + keys
              + " ("
              + protection.describe()
              + ")");
      printKeys(context, current);
    }
  }

  @Command(
      name = "export-public",
      mixinStandardHelpOptions = true,
      description =
          "Write the namespace's public keys as a key directory file with this one namespace,"
              + " to hand to the directory's keeper (`directory add|rotate --from`).")
  public static final class ExportPublic extends Commands.LeafCommand {
    @Option(names = "--keys", required = true, paramLabel = "FILE")
    Path keys;

    @Option(
        names = "--out",
        required = true,
        paramLabel = "FILE",
        description = "The public keys file.")
    Path out;

    @Option(names = "--force", description = "Replace an existing output file.")
    boolean force;

    @Mixin ProtectionOptions protection;

    @Override
    void run() throws Exception {
      NamespaceKeys current = read(context, keys, protection);
      String json = NamespaceKeyDirectory.newBuilder().put(current.toPublicKeys()).build().toJson();
      dev.nexussecurity.core.internal.keys.KeysetFiles.writeAtomically(out, json, force);
      print("wrote the public keys of " + current.getNamespace() + " to " + out);
    }
  }

  @Command(
      name = "wrap",
      mixinStandardHelpOptions = true,
      description =
          "Encrypt a cleartext namespace keys file under a KMS key into a new file (then delete"
              + " the cleartext one).")
  public static final class Wrap extends Commands.LeafCommand {
    @Option(names = "--in", required = true, paramLabel = "FILE")
    Path in;

    @Option(names = "--out", required = true, paramLabel = "FILE")
    Path out;

    @Mixin KmsOptions kms;

    @Option(names = "--force", description = "Replace an existing output file.")
    boolean force;

    @Override
    void run() throws Exception {
      NamespaceKeys keys = NamespaceKeyFiles.read(in, NamespaceKeyFiles.Protection.cleartext());
      ProtectionOptions p = ProtectionOptions.underKms(kms);
      write(context, out, keys, p, force);
      print(
          "wrote "
              + out
              + " "
              + p.describe()
              + "; delete the cleartext "
              + in
              + " once the wrapped file is in place");
    }
  }
}
