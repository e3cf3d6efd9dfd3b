package dev.nexussecurity.tools.internal;

import com.google.crypto.tink.KmsClient;
import dev.nexussecurity.core.internal.keys.KeysetFiles;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;

/** What every command runs with: its KMS clients and output streams. */
public final class CommandContext {
  private final List<KmsClient> kmsClients;
  private final PrintWriter out;
  private final PrintWriter err;

  /**
   * @param kmsClients tried in order; {@code builtIn} is tried last
   */
  public CommandContext(
      List<KmsClient> kmsClients, KmsClient builtIn, PrintWriter out, PrintWriter err) {
    List<KmsClient> all = new ArrayList<>(kmsClients);
    all.add(builtIn);
    this.kmsClients = List.copyOf(all);
    this.out = out;
    this.err = err;
  }

  public PrintWriter out() {
    return out;
  }

  public PrintWriter err() {
    return err;
  }

  /**
   * The KMS client for {@code uri}: an instance of {@code clientClass} if given (with {@code
   * credentials} or its default credentials), else the first configured client that supports it.
   */
  KmsClient kmsClient(String uri, String clientClass, String credentials) {
    if (clientClass != null) {
      KmsClient client = instantiate(clientClass, credentials);
      if (!client.doesSupport(uri)) {
        throw new CommandFailure(
            Commands.USAGE,
            "the KMS client "
                + clientClass
                + " does not support key URI "
                + KeysetFiles.redact(uri)
                + "; check --kms-uri.");
      }
      return client;
    }
    for (KmsClient c : kmsClients) {
      if (c.doesSupport(uri)) {
        return c;
      }
    }
    throw new CommandFailure(
        Commands.USAGE,
        "no KMS client supports key URI "
            + KeysetFiles.redact(uri)
            + "; built in: fake-kms:// (local trials only). For your KMS, put its Tink client on"
            + " the class path and name it with --kms-client-class (for example"
            + " com.google.crypto.tink.integration.awskms.AwsKmsClient).");
  }

  private static KmsClient instantiate(String className, String credentials) {
    Object o;
    try {
      o = Class.forName(className).getConstructor().newInstance();
    } catch (ClassNotFoundException e) {
      throw new CommandFailure(
          Commands.USAGE,
          "--kms-client-class "
              + className
              + " is not on the class path; run the command with java -cp"
              + " <tools jar>:<your KMS's Tink client jars> "
              + "dev.nexussecurity.tools.NexusSecurityKeys ...");
    } catch (NoSuchMethodException
        | InstantiationException
        | IllegalAccessException
        | InvocationTargetException e) {
      throw new CommandFailure(
          Commands.USAGE,
          "--kms-client-class "
              + className
              + " cannot be created with a public no-argument constructor ("
              + e.getClass().getSimpleName()
              + ").");
    }
    if (!(o instanceof KmsClient client)) {
      throw new CommandFailure(
          Commands.USAGE,
          "--kms-client-class " + className + " is not a com.google.crypto.tink.KmsClient.");
    }
    try {
      return credentials == null
          ? client.withDefaultCredentials()
          : client.withCredentials(credentials);
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new CommandFailure(
          Commands.FAILED,
          "the KMS client "
              + className
              + " cannot load its credentials ("
              + e.getClass().getSimpleName()
              + ": "
              + KeysetFiles.redact(String.valueOf(e.getMessage()))
              + ").");
    }
  }
}
