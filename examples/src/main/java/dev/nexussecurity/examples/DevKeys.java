package dev.nexussecurity.examples;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeyStatus;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig2026;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.crypto.tink.signature.PredefinedSignatureParameters;
import com.google.crypto.tink.signature.SignatureConfig2026;
import dev.nexussecurity.core.TrustStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * <b>Development only:</b> generates fresh keys as <em>cleartext</em> Tink JSON files into a
 * directory, for the demo and for trying the example workers. Never use these files for real
 * traffic: anyone who can read them can sign as the namespaces and read every payload. Production
 * keysets are generated once, encrypted under a KMS key, and loaded with {@link
 * WorkerSettings.Builder#setKms}.
 *
 * <p>Files (owner-readable only where the file system supports POSIX permissions):
 *
 * <ul>
 *   <li>{@code DEV-ONLY-<namespace>-signing-keyset.json}: a caller namespace's private Ed25519
 *       signing keyset, for each caller namespace;
 *   <li>{@code <handler namespace>-trust-store.json}: the handler's trust store, the callers'
 *       public keysets (not secret);
 *   <li>{@code DEV-ONLY-<keyset name>-payload-keyset.json}: the AES256-GCM payload keyset caller
 *       and handler share.
 * </ul>
 *
 * <pre>{@code
 * DevKeys keys =
 *     DevKeys.generate(Path.of("/tmp/keys"), "payments", List.of("orders"), "payments");
 * WorkerSettings orders = WorkerSettings.newBuilder()
 *     .setNamespace("orders").setTaskQueue("checkout")
 *     .setSigningKeysetFile(keys.getSigningKeysetFile("orders"))
 *     .setPayloadKeysetFile(keys.getPayloadKeysetFile())
 *     .build();
 * }</pre>
 *
 * <p>From the command line: {@code DevKeys --dir DIR [--handler payments] [--callers
 * orders,analytics] [--keyset-name payments]}.
 */
public final class DevKeys {
  /** File name prefix of every secret file this class writes. */
  public static final String DEV_ONLY_PREFIX = "DEV-ONLY-";

  private final Path directory;
  private final String handlerNamespace;
  private final Map<String, Path> signingKeysetFiles;
  private final Path trustStoreFile;
  private final Path payloadKeysetFile;

  private DevKeys(
      Path directory,
      String handlerNamespace,
      Map<String, Path> signingKeysetFiles,
      Path trustStoreFile,
      Path payloadKeysetFile) {
    this.directory = directory;
    this.handlerNamespace = handlerNamespace;
    this.signingKeysetFiles = Map.copyOf(signingKeysetFiles);
    this.trustStoreFile = trustStoreFile;
    this.payloadKeysetFile = payloadKeysetFile;
  }

  /**
   * Generates a signing keyset per caller namespace, the handler's trust store holding their public
   * halves, and one payload keyset, into {@code directory} (created if missing). Existing files are
   * never overwritten.
   *
   * @throws UncheckedIOException if a file exists already or cannot be written
   */
  public static DevKeys generate(
      Path directory,
      String handlerNamespace,
      List<String> callerNamespaces,
      String payloadKeysetName) {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(handlerNamespace, "handlerNamespace");
    if (callerNamespaces.isEmpty()) {
      throw new IllegalArgumentException("DevKeys needs at least one caller namespace");
    }
    try {
      createPrivateDirectory(directory);
      Map<String, Path> signing = new LinkedHashMap<>();
      TrustStore.Builder trust = TrustStore.newBuilder();
      for (String namespace : callerNamespaces) {
        KeysetHandle privateKeyset =
            KeysetHandle.generateNew(
                PredefinedSignatureParameters.ED25519, SignatureConfig2026.get());
        Path file = signingKeysetFileIn(directory, namespace);
        writeSecret(
            file,
            TinkJsonProtoKeysetFormat.serializeKeyset(
                privateKeyset, SignatureConfig2026.get(), InsecureSecretKeyAccess.get()));
        signing.put(namespace, file);
        trust.addNamespace(namespace, privateKeyset.getPublicKeysetHandle());
      }
      Path trustStore = trustStoreFileIn(directory, handlerNamespace);
      write(trustStore, trust.build().toJson(), false);

      KeysetHandle payload =
          KeysetHandle.newBuilder()
              .setConfiguration(AeadConfig2026.get())
              .addEntry(
                  KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM)
                      .withRandomId()
                      .makePrimary())
              .build();
      Path payloadFile = payloadKeysetFileIn(directory, payloadKeysetName);
      writeSecret(payloadFile, cleartextAead(payload));
      return new DevKeys(directory, handlerNamespace, signing, trustStore, payloadFile);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Tink could not generate development keys: " + e, e);
    }
  }

  /**
   * Writes to {@code target} a copy of the payload keyset in {@code source} with one new AES256-GCM
   * key added and made primary: what a worker holds when its keyset was rotated (add, promote)
   * before the new key was rolled out to the other side. Returns the new primary key id.
   */
  public static int writeWithNewPrimaryKey(Path source, Path target) {
    try {
      KeysetHandle current =
          TinkJsonProtoKeysetFormat.parseKeyset(
              Files.readString(source, StandardCharsets.UTF_8),
              AeadConfig2026.get(),
              InsecureSecretKeyAccess.get());
      KeysetHandle.Builder builder =
          KeysetHandle.newBuilder(current).setConfiguration(AeadConfig2026.get());
      builder.addEntry(
          KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM)
              .withRandomId()
              .setStatus(KeyStatus.ENABLED)
              .makePrimary());
      KeysetHandle rotated = builder.build();
      writeSecret(target, cleartextAead(rotated));
      return rotated.getPrimary().getId();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read payload keyset " + source, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Payload keyset " + source + " cannot be rotated: " + e, e);
    }
  }

  /**
   * Where {@link #generate} writes the signing keyset of {@code namespace} in {@code directory}.
   */
  public static Path signingKeysetFileIn(Path directory, String namespace) {
    return directory.resolve(DEV_ONLY_PREFIX + namespace + "-signing-keyset.json");
  }

  /**
   * Where {@link #generate} writes the trust store of {@code handlerNamespace} in {@code
   * directory}.
   */
  public static Path trustStoreFileIn(Path directory, String handlerNamespace) {
    return directory.resolve(handlerNamespace + "-trust-store.json");
  }

  /**
   * Where {@link #generate} writes the payload keyset named {@code keysetName} in {@code
   * directory}.
   */
  public static Path payloadKeysetFileIn(Path directory, String keysetName) {
    return directory.resolve(DEV_ONLY_PREFIX + keysetName + "-payload-keyset.json");
  }

  /** The directory holding the files. */
  public Path getDirectory() {
    return directory;
  }

  /** The handler namespace whose trust store was written. */
  public String getHandlerNamespace() {
    return handlerNamespace;
  }

  /**
   * The private signing keyset file of caller namespace {@code namespace}.
   *
   * @throws IllegalArgumentException if no keyset was generated for it
   */
  public Path getSigningKeysetFile(String namespace) {
    Path file = signingKeysetFiles.get(namespace);
    if (file == null) {
      throw new IllegalArgumentException(
          "No development signing keyset for namespace '"
              + namespace
              + "'; generated for "
              + signingKeysetFiles.keySet());
    }
    return file;
  }

  /** The handler's trust store file (public keys only). */
  public Path getTrustStoreFile() {
    return trustStoreFile;
  }

  /** The shared payload keyset file. */
  public Path getPayloadKeysetFile() {
    return payloadKeysetFile;
  }

  @Override
  public String toString() {
    return "DevKeys{directory=" + directory + ", callers=" + signingKeysetFiles.keySet() + "}";
  }

  /**
   * Command line: {@code --dir DIR [--handler payments] [--callers orders,analytics] [--keyset-name
   * payments]}.
   */
  public static void main(String[] args) {
    Map<String, String> options =
        CommandLine.parse(args, "--dir", "--handler", "--callers", "--keyset-name");
    Path dir = Path.of(CommandLine.required(options, "--dir"));
    String handler = options.getOrDefault("--handler", "payments");
    List<String> callers =
        new ArrayList<>(List.of(options.getOrDefault("--callers", "orders,analytics").split(",")));
    DevKeys keys =
        generate(
            dir,
            handler,
            callers,
            options.getOrDefault("--keyset-name", WorkerSettings.DEFAULT_PAYLOAD_KEYSET_NAME));
    System.out.println(
        "Development keys (cleartext: never use them for real traffic) written to " + dir + ":");
    for (String caller : callers) {
      System.out.println(
          "  signing keyset of " + caller + ": " + keys.getSigningKeysetFile(caller));
    }
    System.out.println("  trust store of " + handler + ": " + keys.getTrustStoreFile());
    System.out.println("  payload keyset: " + keys.getPayloadKeysetFile());
  }

  private static String cleartextAead(KeysetHandle handle) throws GeneralSecurityException {
    return TinkJsonProtoKeysetFormat.serializeKeyset(
        handle, AeadConfig2026.get(), InsecureSecretKeyAccess.get());
  }

  private static void createPrivateDirectory(Path directory) {
    try {
      Files.createDirectories(directory);
      if (posix()) {
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create key directory " + directory, e);
    }
  }

  private static void writeSecret(Path file, String content) {
    write(file, content, true);
  }

  private static void write(Path file, String content, boolean secret) {
    try {
      if (secret && posix()) {
        // created owner-only before any key byte is written
        Files.createFile(
            file,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, content, StandardCharsets.UTF_8, StandardOpenOption.WRITE);
      } else {
        Files.writeString(file, content, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file + " (it must not exist yet)", e);
    }
  }

  private static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }
}
