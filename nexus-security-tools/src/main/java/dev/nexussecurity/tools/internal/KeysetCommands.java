package dev.nexussecurity.tools.internal;

import com.google.crypto.tink.KeyStatus;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.Parameters;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.config.TinkConfig2026;
import dev.nexussecurity.core.internal.keys.KeysetFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.HashSet;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code keyset ...}: Tink keysets (payload AEAD, signing, MAC, HPKE). */
@Command(
    name = "keyset",
    description =
        "Tink keysets: payload AEAD keysets (the Tink payload codec), signing keysets (identity"
            + " tokens, registry policies), MAC keysets, HPKE keysets.",
    mixinStandardHelpOptions = true,
    subcommands = {
      KeysetCommands.Create.class,
      KeysetCommands.Rotate.class,
      KeysetCommands.Promote.class,
      KeysetCommands.Disable.class,
      KeysetCommands.Enable.class,
      KeysetCommands.Delete.class,
      KeysetCommands.ListKeys.class,
      KeysetCommands.Wrap.class,
      KeysetCommands.PublicKeyset.class
    })
public final class KeysetCommands {

  /** Reads a keyset file of any kind with the given protection. */
  static KeysetHandle read(CommandContext ctx, Path file, ProtectionOptions p) {
    if (p.isCleartext()) {
      return KeysetFiles.readCleartext(file, null);
    }
    return KeysetFiles.readEncrypted(file, p.client(ctx), p.uri(), p.associatedData(), null);
  }

  /** Writes {@code handle} atomically, encrypted or in cleartext as {@code p} says. */
  static void write(
      CommandContext ctx, Path file, KeysetHandle handle, ProtectionOptions p, boolean replace)
      throws IOException {
    String json =
        p.isCleartext()
            ? KeysetFiles.toCleartextJson(handle)
            : KeysetFiles.toEncryptedJson(handle, p.kek(ctx), p.associatedData());
    KeysetFiles.writeAtomically(file, json, replace);
  }

  static String unsigned(int id) {
    return Integer.toUnsignedString(id);
  }

  static int keyId(String text) {
    try {
      return Integer.parseUnsignedInt(text);
    } catch (NumberFormatException e) {
      throw new CommandFailure(
          Commands.USAGE,
          "--key-id must be an unsigned decimal key id as `list` prints it, got '" + text + "'");
    }
  }

  static int indexOf(KeysetHandle handle, int keyId) {
    for (int i = 0; i < handle.size(); i++) {
      if (handle.getAt(i).getId() == keyId) {
        return i;
      }
    }
    return -1;
  }

  /** {@code handle} with one new enabled key of {@code type}, made primary if asked. */
  static KeysetHandle withNewKey(KeysetHandle handle, Parameters type, boolean primary)
      throws GeneralSecurityException {
    KeysetHandle.Builder.Entry entry =
        KeysetHandle.generateEntryFromParameters(type).withRandomId().setStatus(KeyStatus.ENABLED);
    if (primary) {
      entry.makePrimary();
    }
    return KeysetHandle.newBuilder(handle)
        .setConfiguration(TinkConfig2026.get())
        .addEntry(entry)
        .build();
  }

  /** The id of the key of {@code after} that {@code before} does not have. */
  static int addedKey(KeysetHandle before, KeysetHandle after) {
    Set<Integer> ids = new HashSet<>();
    for (int i = 0; i < before.size(); i++) {
      ids.add(before.getAt(i).getId());
    }
    for (int i = 0; i < after.size(); i++) {
      if (!ids.contains(after.getAt(i).getId())) {
        return after.getAt(i).getId();
      }
    }
    throw new IllegalStateException("no key was added");
  }

  /** Prints the keys of {@code handle}: ids, status, primary flag and type, never key material. */
  static void printKeys(CommandContext ctx, KeysetHandle handle) {
    ctx.out().printf("%-12s %-9s %-7s %s%n", "KEY ID", "STATUS", "PRIMARY", "TYPE");
    for (int i = 0; i < handle.size(); i++) {
      KeysetHandle.Entry e = handle.getAt(i);
      ctx.out()
          .printf(
              "%-12s %-9s %-7s %s%n",
              unsigned(e.getId()),
              e.getStatus(),
              e.isPrimary() ? "yes" : "no",
              KeyTypes.name(e.getKey().getParameters()));
    }
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = "Create a keyset with one primary key (an existing file only with --force).")
  public static final class Create extends Commands.LeafCommand {
    @Option(
        names = "--out",
        required = true,
        paramLabel = "FILE",
        description = "The new keyset file.")
    Path out;

    @Option(
        names = "--kind",
        paramLabel = "KIND",
        defaultValue = "PAYLOAD",
        description = "payload (default), signing, mac or hpke.")
    KeyTypes.Kind kind;

    @Option(
        names = "--key-type",
        paramLabel = "TYPE",
        description =
            "The key type (default per kind: AES256_GCM, ED25519, HMAC_SHA256_256BITTAG,"
                + " DHKEM_X25519_HKDF_SHA256_HKDF_SHA256_AES_256_GCM).")
    String keyType;

    @Option(names = "--force", description = "Replace an existing file.")
    boolean force;

    @Mixin ProtectionOptions protection;

    @Override
    void run() throws Exception {
      protection.validate();
      Parameters type = KeyTypes.parameters(kind, keyType);
      KeysetHandle handle =
          KeysetHandle.newBuilder()
              .setConfiguration(TinkConfig2026.get())
              .addEntry(KeysetHandle.generateEntryFromParameters(type).withRandomId().makePrimary())
              .build();
      write(context, out, handle, protection, force);
      print(
          "created "
              + kind.cliName()
              + " keyset "
              + out
              + " ("
              + protection.describe()
              + ") with primary key "
              + unsigned(handle.getPrimary().getId())
              + " ("
              + KeyTypes.name(type)
              + ")");
    }
  }

  @Command(
      name = "rotate",
      aliases = "add-key",
      mixinStandardHelpOptions = true,
      description =
          "Add a new enabled key that is not primary yet (step 1 of a rotation): roll the keyset"
              + " out to every reader, then `promote` it.")
  public static final class Rotate extends Commands.LeafCommand {
    @Option(names = "--keyset", required = true, paramLabel = "FILE")
    Path keyset;

    @Option(names = "--key-type", paramLabel = "TYPE", description = "Default: the kind's default.")
    String keyType;

    @Mixin ProtectionOptions protection;

    @Override
    void run() throws Exception {
      KeysetHandle handle = read(context, keyset, protection);
      KeyTypes.Kind kind = KeyTypes.kindOf(handle, "Keyset file " + keyset);
      KeysetHandle updated = withNewKey(handle, KeyTypes.parameters(kind, keyType), false);
      write(context, keyset, updated, protection, true);
      print(
          "added key "
              + unsigned(addedKey(handle, updated))
              + " (enabled, not primary) to "
              + keyset
              + "; roll the keyset out to every worker that reads it, then promote the key");
    }
  }

  /** Changes one key of a keyset. */
  abstract static class ChangeKey extends Commands.LeafCommand {
    @Option(names = "--keyset", required = true, paramLabel = "FILE")
    Path keyset;

    @Option(
        names = "--key-id",
        required = true,
        paramLabel = "ID",
        description = "As `list` prints it.")
    String keyIdText;

    @Mixin ProtectionOptions protection;

    @Override
    void run() throws Exception {
      int keyId = keyId(keyIdText);
      KeysetHandle handle = read(context, keyset, protection);
      int index = indexOf(handle, keyId);
      if (index < 0) {
        throw new CommandFailure(
            Commands.FAILED, "keyset " + keyset + " has no key " + unsigned(keyId) + ".");
      }
      KeysetHandle.Builder builder =
          KeysetHandle.newBuilder(handle).setConfiguration(TinkConfig2026.get());
      String done = change(handle.getAt(index), builder, index, keyId);
      write(context, keyset, builder.build(), protection, true);
      print(done);
    }

    abstract String change(KeysetHandle.Entry entry, KeysetHandle.Builder b, int index, int keyId);
  }

  @Command(
      name = "promote",
      mixinStandardHelpOptions = true,
      description = "Make an enabled key the primary key.")
  public static final class Promote extends ChangeKey {
    @Override
    String change(KeysetHandle.Entry entry, KeysetHandle.Builder b, int index, int keyId) {
      if (entry.getStatus() != KeyStatus.ENABLED) {
        throw new CommandFailure(
            Commands.FAILED,
            "key "
                + unsigned(keyId)
                + " is "
                + entry.getStatus()
                + "; enable it before promoting.");
      }
      b.getAt(index).makePrimary();
      return "promoted key " + unsigned(keyId) + " to primary";
    }
  }

  @Command(
      name = "disable",
      mixinStandardHelpOptions = true,
      description = "Disable a key that is not primary.")
  public static final class Disable extends ChangeKey {
    @Override
    String change(KeysetHandle.Entry entry, KeysetHandle.Builder b, int index, int keyId) {
      if (entry.isPrimary()) {
        throw new CommandFailure(
            Commands.FAILED,
            "key " + unsigned(keyId) + " is the primary key; promote another key first.");
      }
      b.getAt(index).setStatus(KeyStatus.DISABLED);
      return "disabled key " + unsigned(keyId);
    }
  }

  @Command(name = "enable", mixinStandardHelpOptions = true, description = "Enable a disabled key.")
  public static final class Enable extends ChangeKey {
    @Override
    String change(KeysetHandle.Entry entry, KeysetHandle.Builder b, int index, int keyId) {
      if (entry.getStatus() == KeyStatus.DESTROYED) {
        throw new CommandFailure(
            Commands.FAILED, "key " + unsigned(keyId) + " is destroyed and cannot be enabled.");
      }
      b.getAt(index).setStatus(KeyStatus.ENABLED);
      return "enabled key " + unsigned(keyId);
    }
  }

  @Command(
      name = "delete",
      mixinStandardHelpOptions = true,
      description = "Delete a key that is not primary (what it protected can no longer be read).")
  public static final class Delete extends ChangeKey {
    @Override
    String change(KeysetHandle.Entry entry, KeysetHandle.Builder b, int index, int keyId) {
      if (entry.isPrimary()) {
        throw new CommandFailure(
            Commands.FAILED,
            "key " + unsigned(keyId) + " is the primary key; promote another key first.");
      }
      b.deleteAt(index);
      return "deleted key "
          + unsigned(keyId)
          + "; payloads encrypted under it can no longer be decrypted";
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List key ids, status, primary flag and type (never key material).")
  public static final class ListKeys extends Commands.LeafCommand {
    @Option(names = "--keyset", required = true, paramLabel = "FILE")
    Path keyset;

    @Mixin ProtectionOptions protection;

    @Override
    void run() {
      KeysetHandle handle = read(context, keyset, protection);
      KeyTypes.Kind kind = KeyTypes.kindOf(handle, "Keyset file " + keyset);
      print(kind.cliName() + " keyset " + keyset + " (" + protection.describe() + ")");
      printKeys(context, handle);
    }
  }

  @Command(
      name = "wrap",
      mixinStandardHelpOptions = true,
      description =
          "Encrypt a cleartext keyset under a KMS key into a new file (then delete the cleartext"
              + " one).")
  public static final class Wrap extends Commands.LeafCommand {
    @Option(
        names = "--in",
        required = true,
        paramLabel = "FILE",
        description = "The cleartext keyset.")
    Path in;

    @Option(
        names = "--out",
        required = true,
        paramLabel = "FILE",
        description = "The encrypted keyset.")
    Path out;

    @Mixin KmsOptions kms;

    @Option(names = "--force", description = "Replace an existing output file.")
    boolean force;

    @Override
    void run() throws Exception {
      ProtectionOptions p = ProtectionOptions.underKms(kms);
      KeysetHandle handle = KeysetFiles.readCleartext(in, null);
      KeyTypes.kindOf(handle, "Keyset file " + in);
      write(context, out, handle, p, force);
      print(
          "wrote "
              + out
              + " "
              + p.describe()
              + "; delete the cleartext "
              + in
              + " once the wrapped keyset is in place");
    }
  }

  @Command(
      name = "public",
      mixinStandardHelpOptions = true,
      description =
          "Write the public keyset of a signing or HPKE keyset (for those who verify or encrypt).")
  public static final class PublicKeyset extends Commands.LeafCommand {
    @Option(names = "--keyset", required = true, paramLabel = "FILE")
    Path keyset;

    @Option(
        names = "--out",
        required = true,
        paramLabel = "FILE",
        description = "The public keyset.")
    Path out;

    @Option(names = "--force", description = "Replace an existing output file.")
    boolean force;

    @Mixin ProtectionOptions protection;

    @Override
    void run() throws Exception {
      KeysetHandle handle = read(context, keyset, protection);
      KeyTypes.Kind kind = KeyTypes.kindOf(handle, "Keyset file " + keyset);
      if (kind != KeyTypes.Kind.SIGNING && kind != KeyTypes.Kind.HPKE) {
        throw new CommandFailure(
            Commands.FAILED,
            "keyset "
                + keyset
                + " is a "
                + kind.cliName()
                + " keyset: symmetric keys have no public half; only signing and HPKE keysets"
                + " do.");
      }
      String json =
          TinkJsonProtoKeysetFormat.serializeKeysetWithoutSecret(
              handle.getPublicKeysetHandle(), TinkConfig2026.get());
      KeysetFiles.writeAtomically(out, json, force);
      print("wrote the public keyset of " + keyset + " to " + out);
    }
  }
}
