package dev.nexussecurity.tools;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeyStatus;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.KmsClient;
import com.google.crypto.tink.Parameters;
import com.google.crypto.tink.aead.AeadConfig2026;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import dev.nexussecurity.core.internal.keys.KeysetFiles;
import dev.nexussecurity.core.keys.KeysetKind;
import dev.nexussecurity.core.keys.KeysetLoadException;
import io.temporal.payload.codec.PayloadCodecException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Command-line key management for {@link dev.nexussecurity.codec.tink.TinkPayloadCodec} keysets:
 * create a keyset, add a key, promote, disable, enable or delete a key, list keys (ids, status and
 * type only) and wrap a cleartext keyset under a KMS key. Every command that changes a keyset
 * replaces its file atomically (a failed command leaves the file untouched) and writes it readable
 * by the owner only.
 *
 * <p>With {@code --master-key-uri} the keyset file is read and written encrypted under that KMS key
 * and never touches disk in cleartext. {@code fake-kms://} URIs (see {@link InsecureFakeKmsClient})
 * work out of the box, for local use; for a real KMS, run the tool from your own code with that
 * KMS's Tink client: {@code new KeysetTool(List.of(new AwsKmsClient().withDefaultCredentials()),
 * System.out, System.err).run(args)}.
 *
 * <pre>{@code
 * java -cp <classpath> dev.nexussecurity.codec.tink.tools.KeysetTool create --keyset keyset.json
 * java -cp <classpath> dev.nexussecurity.codec.tink.tools.KeysetTool add-key --keyset keyset.json
 * java -cp <classpath> dev.nexussecurity.codec.tink.tools.KeysetTool promote --keyset keyset.json --key-id 123
 * }</pre>
 */
public final class KeysetTool {
  /** Exit code of a successful command. */
  public static final int EXIT_OK = 0;

  /** Exit code of a command that failed (the keyset file is unchanged). */
  public static final int EXIT_FAILED = 1;

  /** Exit code of a command line that could not be understood. */
  public static final int EXIT_USAGE = 2;

  private static final Map<String, Parameters> KEY_TYPES = keyTypes();

  private static final String USAGE =
      String.join(
          "\n",
          "Usage: KeysetTool <command> [options]",
          "",
          "Commands:",
          "  create   --keyset FILE [--key-type TYPE]  Create a keyset with one primary key (never"
              + " overwrites).",
          "  add-key  --keyset FILE [--key-type TYPE]  Add an enabled, non-primary key; prints its id.",
          "  promote  --keyset FILE --key-id ID        Make an enabled key the primary key.",
          "  disable  --keyset FILE --key-id ID        Disable a non-primary key.",
          "  enable   --keyset FILE --key-id ID        Enable a disabled key.",
          "  delete   --keyset FILE --key-id ID        Delete a non-primary key (payloads under it"
              + " become unreadable).",
          "  list     --keyset FILE                    List key ids, status, primary flag and type.",
          "  wrap     --in FILE --out FILE --master-key-uri URI",
          "                                           Encrypt a cleartext keyset under a KMS key (never"
              + " overwrites).",
          "  new-fake-kms-uri                         Print a new fake-kms:// key URI (local testing"
              + " only: the URI is the key).",
          "",
          "Options:",
          "  --master-key-uri URI      The keyset file is encrypted under this KMS key (for wrap: the"
              + " output).",
          "  --associated-data TEXT    Associated data the keyset is encrypted with (default: none).",
          "  --key-type TYPE           One of "
              + String.join(", ", KEY_TYPES.keySet())
              + " (default AES256_GCM).",
          "",
          "Key ids are unsigned decimal numbers, as list prints them.");

  private final List<KmsClient> kmsClients;
  private final PrintStream out;
  private final PrintStream err;

  /**
   * Creates a tool that resolves KMS key URIs with {@code kmsClients} (tried in order) and, after
   * them, {@link InsecureFakeKmsClient} for {@code fake-kms://} URIs.
   *
   * @param kmsClients KMS clients, copied; not null
   * @param out where results go, not null
   * @param err where errors and usage go, not null
   */
  public KeysetTool(List<KmsClient> kmsClients, PrintStream out, PrintStream err) {
    List<KmsClient> clients = new ArrayList<>(Objects.requireNonNull(kmsClients, "kmsClients"));
    clients.add(new InsecureFakeKmsClient());
    this.kmsClients = List.copyOf(clients);
    this.out = Objects.requireNonNull(out, "out");
    this.err = Objects.requireNonNull(err, "err");
  }

  /** Runs one command and exits the JVM with its exit code. */
  public static void main(String[] args) {
    System.exit(new KeysetTool(List.of(), System.out, System.err).run(args));
  }

  /**
   * Runs one command.
   *
   * @return {@link #EXIT_OK}, {@link #EXIT_FAILED} or {@link #EXIT_USAGE}
   */
  public int run(String... args) {
    if (args.length == 0 || "--help".equals(args[0]) || "-h".equals(args[0])) {
      err.println(USAGE);
      return args.length == 0 ? EXIT_USAGE : EXIT_OK;
    }
    String command = args[0];
    Map<String, String> options;
    try {
      options = parseOptions(args);
    } catch (UsageException e) {
      return usage(e.getMessage());
    }
    try {
      switch (command) {
        case "create":
          return create(options);
        case "add-key":
          return addKey(options);
        case "promote":
          return changeKey(options, Change.PROMOTE);
        case "disable":
          return changeKey(options, Change.DISABLE);
        case "enable":
          return changeKey(options, Change.ENABLE);
        case "delete":
          return changeKey(options, Change.DELETE);
        case "list":
          return list(options);
        case "wrap":
          return wrap(options);
        case "new-fake-kms-uri":
          allowOnly(options);
          out.println(InsecureFakeKmsClient.newKeyUri());
          return EXIT_OK;
        default:
          return usage("unknown command '" + command + "'");
      }
    } catch (UsageException e) {
      return usage(e.getMessage());
    } catch (CommandException | KeysetLoadException | PayloadCodecException e) {
      err.println("error: " + KeysetFiles.redact(e.getMessage()));
      return EXIT_FAILED;
    } catch (FileAlreadyExistsException e) {
      err.println("error: " + e.getFile() + " already exists; choose another file.");
      return EXIT_FAILED;
    } catch (IOException e) {
      err.println("error: cannot write the keyset file: " + e);
      return EXIT_FAILED;
    } catch (GeneralSecurityException e) {
      err.println("error: " + KeysetFiles.redact(e.getMessage()));
      return EXIT_FAILED;
    }
  }

  private int create(Map<String, String> o) throws IOException, GeneralSecurityException {
    allowOnly(o, "--keyset", "--key-type", "--master-key-uri", "--associated-data");
    Path keyset = Path.of(required(o, "--keyset"));
    KeysetHandle handle =
        KeysetHandle.newBuilder()
            .setConfiguration(AeadConfig2026.get())
            .addEntry(
                KeysetHandle.generateEntryFromParameters(keyType(o)).withRandomId().makePrimary())
            .build();
    write(o, keyset, handle, false);
    out.println("created " + keyset + " with primary key " + unsigned(handle.getPrimary().getId()));
    return EXIT_OK;
  }

  private int addKey(Map<String, String> o) throws IOException, GeneralSecurityException {
    allowOnly(o, "--keyset", "--key-type", "--master-key-uri", "--associated-data");
    Path keyset = Path.of(required(o, "--keyset"));
    Parameters type = keyType(o);
    KeysetHandle handle = read(o, keyset);
    Set<Integer> before = new HashSet<>();
    for (int i = 0; i < handle.size(); i++) {
      before.add(handle.getAt(i).getId());
    }
    KeysetHandle updated =
        KeysetHandle.newBuilder(handle)
            .setConfiguration(AeadConfig2026.get())
            .addEntry(
                KeysetHandle.generateEntryFromParameters(type)
                    .withRandomId()
                    .setStatus(KeyStatus.ENABLED))
            .build();
    int added = 0;
    for (int i = 0; i < updated.size(); i++) {
      if (!before.contains(updated.getAt(i).getId())) {
        added = updated.getAt(i).getId();
      }
    }
    write(o, keyset, updated, true);
    out.println(
        "added key "
            + unsigned(added)
            + " (enabled, not primary); roll the keyset out to every worker, then promote it");
    return EXIT_OK;
  }

  private enum Change {
    PROMOTE,
    DISABLE,
    ENABLE,
    DELETE
  }

  private int changeKey(Map<String, String> o, Change change)
      throws IOException, GeneralSecurityException {
    allowOnly(o, "--keyset", "--key-id", "--master-key-uri", "--associated-data");
    Path keyset = Path.of(required(o, "--keyset"));
    int keyId = keyId(required(o, "--key-id"));
    KeysetHandle handle = read(o, keyset);
    int index = -1;
    for (int i = 0; i < handle.size(); i++) {
      if (handle.getAt(i).getId() == keyId) {
        index = i;
      }
    }
    if (index < 0) {
      throw new CommandException("keyset " + keyset + " has no key " + unsigned(keyId) + ".");
    }
    KeysetHandle.Entry entry = handle.getAt(index);
    KeysetHandle.Builder builder =
        KeysetHandle.newBuilder(handle).setConfiguration(AeadConfig2026.get());
    String done;
    switch (change) {
      case PROMOTE:
        if (entry.getStatus() != KeyStatus.ENABLED) {
          throw new CommandException(
              "key "
                  + unsigned(keyId)
                  + " is "
                  + entry.getStatus()
                  + "; enable it before promoting.");
        }
        builder.getAt(index).makePrimary();
        done = "promoted key " + unsigned(keyId) + " to primary";
        break;
      case DISABLE:
        if (entry.isPrimary()) {
          throw new CommandException(
              "key " + unsigned(keyId) + " is the primary key; promote another key first.");
        }
        builder.getAt(index).setStatus(KeyStatus.DISABLED);
        done = "disabled key " + unsigned(keyId);
        break;
      case ENABLE:
        if (entry.getStatus() == KeyStatus.DESTROYED) {
          throw new CommandException(
              "key " + unsigned(keyId) + " is destroyed and cannot be enabled.");
        }
        builder.getAt(index).setStatus(KeyStatus.ENABLED);
        done = "enabled key " + unsigned(keyId);
        break;
      case DELETE:
        if (entry.isPrimary()) {
          throw new CommandException(
              "key " + unsigned(keyId) + " is the primary key; promote another key first.");
        }
        builder.deleteAt(index);
        done =
            "deleted key "
                + unsigned(keyId)
                + "; payloads encrypted under it can no longer be decrypted";
        break;
      default:
        throw new AssertionError(change);
    }
    write(o, keyset, builder.build(), true);
    out.println(done);
    return EXIT_OK;
  }

  private int list(Map<String, String> o) throws GeneralSecurityException {
    allowOnly(o, "--keyset", "--master-key-uri", "--associated-data");
    Path keyset = Path.of(required(o, "--keyset"));
    KeysetHandle handle = read(o, keyset);
    out.println(
        "keyset "
            + keyset
            + (o.containsKey("--master-key-uri")
                ? " (encrypted under " + KeysetFiles.redact(o.get("--master-key-uri")) + ")"
                : " (cleartext)"));
    out.printf("%-12s %-9s %-7s %s%n", "KEY ID", "STATUS", "PRIMARY", "TYPE");
    for (int i = 0; i < handle.size(); i++) {
      KeysetHandle.Entry e = handle.getAt(i);
      out.printf(
          "%-12s %-9s %-7s %s%n",
          unsigned(e.getId()),
          e.getStatus(),
          e.isPrimary() ? "yes" : "no",
          typeName(e.getKey().getParameters()));
    }
    return EXIT_OK;
  }

  private int wrap(Map<String, String> o) throws IOException, GeneralSecurityException {
    allowOnly(o, "--in", "--out", "--master-key-uri", "--associated-data");
    Path in = Path.of(required(o, "--in"));
    Path outFile = Path.of(required(o, "--out"));
    String uri = required(o, "--master-key-uri");
    KeysetHandle handle = KeysetFiles.readCleartext(in, KeysetKind.PAYLOAD_AEAD);
    String json = KeysetFiles.toEncryptedJson(handle, kek(uri), associatedData(o));
    KeysetFiles.writeAtomically(outFile, json, false);
    out.println(
        "wrote "
            + outFile
            + " encrypted under "
            + KeysetFiles.redact(uri)
            + "; delete the cleartext "
            + in
            + " once the wrapped keyset is in place");
    return EXIT_OK;
  }

  private KeysetHandle read(Map<String, String> o, Path keyset) {
    String uri = o.get("--master-key-uri");
    if (uri == null) {
      return KeysetFiles.readCleartext(keyset, KeysetKind.PAYLOAD_AEAD);
    }
    return KeysetFiles.readEncrypted(
        keyset, client(uri), uri, associatedData(o), KeysetKind.PAYLOAD_AEAD);
  }

  private void write(Map<String, String> o, Path keyset, KeysetHandle handle, boolean replace)
      throws IOException {
    String uri = o.get("--master-key-uri");
    String json =
        uri == null
            ? KeysetFiles.toCleartextJson(handle)
            : KeysetFiles.toEncryptedJson(handle, kek(uri), associatedData(o));
    KeysetFiles.writeAtomically(keyset, json, replace);
  }

  private Aead kek(String uri) {
    return KeysetFiles.kmsAead(client(uri), uri);
  }

  private KmsClient client(String uri) {
    for (KmsClient c : kmsClients) {
      if (c.doesSupport(uri)) {
        return c;
      }
    }
    throw new CommandException(
        "no KMS client supports key URI "
            + KeysetFiles.redact(uri)
            + "; built in: fake-kms://. Run KeysetTool from code with your KMS's Tink client.");
  }

  private static byte[] associatedData(Map<String, String> o) {
    String ad = o.get("--associated-data");
    return ad == null ? new byte[0] : ad.getBytes(StandardCharsets.UTF_8);
  }

  private static Parameters keyType(Map<String, String> o) {
    String name = o.getOrDefault("--key-type", "AES256_GCM");
    Parameters p = KEY_TYPES.get(name);
    if (p == null) {
      throw new UsageException(
          "unknown --key-type '" + name + "'; use one of " + String.join(", ", KEY_TYPES.keySet()));
    }
    return p;
  }

  private static int keyId(String text) {
    try {
      return Integer.parseUnsignedInt(text);
    } catch (NumberFormatException e) {
      throw new UsageException(
          "--key-id must be an unsigned decimal key id as list prints it, got '" + text + "'");
    }
  }

  private static String typeName(Parameters p) {
    for (Map.Entry<String, Parameters> e : KEY_TYPES.entrySet()) {
      if (e.getValue().equals(p)) {
        return e.getKey();
      }
    }
    return p.toString();
  }

  private static String unsigned(int id) {
    return Integer.toUnsignedString(id);
  }

  private static Map<String, String> parseOptions(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (int i = 1; i < args.length; i++) {
      String name = args[i];
      if (!name.startsWith("--")) {
        throw new UsageException("unexpected argument '" + name + "'");
      }
      if (i + 1 >= args.length) {
        throw new UsageException("option " + name + " needs a value");
      }
      if (options.put(name, args[++i]) != null) {
        throw new UsageException("option " + name + " is given twice");
      }
    }
    return options;
  }

  private static void allowOnly(Map<String, String> options, String... allowed) {
    Set<String> ok = Set.of(allowed);
    for (String name : options.keySet()) {
      if (!ok.contains(name)) {
        throw new UsageException("option " + name + " is not valid for this command");
      }
    }
  }

  private static String required(Map<String, String> options, String name) {
    String value = options.get(name);
    if (value == null || value.isBlank()) {
      throw new UsageException("option " + name + " is required");
    }
    return value;
  }

  private int usage(String problem) {
    err.println("error: " + KeysetFiles.redact(problem));
    err.println(USAGE);
    return EXIT_USAGE;
  }

  private static Map<String, Parameters> keyTypes() {
    Map<String, Parameters> m = new LinkedHashMap<>();
    m.put("AES256_GCM", PredefinedAeadParameters.AES256_GCM);
    m.put("AES128_GCM", PredefinedAeadParameters.AES128_GCM);
    m.put("AES256_CTR_HMAC_SHA256", PredefinedAeadParameters.AES256_CTR_HMAC_SHA256);
    m.put("AES128_CTR_HMAC_SHA256", PredefinedAeadParameters.AES128_CTR_HMAC_SHA256);
    m.put("AES256_EAX", PredefinedAeadParameters.AES256_EAX);
    m.put("CHACHA20_POLY1305", PredefinedAeadParameters.CHACHA20_POLY1305);
    m.put("XCHACHA20_POLY1305", PredefinedAeadParameters.XCHACHA20_POLY1305);
    m.put("XAES_256_GCM_192_BIT_NONCE", PredefinedAeadParameters.XAES_256_GCM_192_BIT_NONCE);
    return java.util.Collections.unmodifiableMap(m);
  }

  private static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  private static final class CommandException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CommandException(String message) {
      super(message);
    }
  }
}
