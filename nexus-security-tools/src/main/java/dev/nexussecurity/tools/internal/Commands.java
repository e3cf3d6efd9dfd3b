package dev.nexussecurity.tools.internal;

import dev.nexussecurity.core.internal.keys.KeysetFiles;
import dev.nexussecurity.core.keys.KeyDirectoryException;
import dev.nexussecurity.core.keys.KeysetLoadException;
import io.temporal.payload.codec.PayloadCodecException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.security.GeneralSecurityException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The command tree of {@code nexus-security-keys} and how its failures become exit codes. */
@Command(
    name = "nexus-security-keys",
    mixinStandardHelpOptions = true,
    versionProvider = Commands.Version.class,
    description = {
      "Create, rotate, list and KMS-wrap the keys of nexus-security; never prints key material.",
      "Files with private keys are encrypted under --kms-uri, or in cleartext only with"
          + " --insecure-cleartext (development)."
    },
    subcommands = {
      KeysetCommands.class,
      NamespaceKeysCommands.class,
      DirectoryCommands.class,
      KmsCommands.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:done",
      "1:failed (bad or unreadable input, wrong KMS key, refused change); nothing written",
      "2:bad command line",
      "3:the output file exists; pass --force to replace it",
      "4:the KMS could not be reached; retry"
    })
public final class Commands {
  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;
  public static final int EXISTS = 3;
  public static final int KMS_UNAVAILABLE = 4;

  /** Runs {@code args} and returns the exit code. */
  public static int execute(CommandContext ctx, String... args) {
    CommandLine cl = new CommandLine(new Commands(), new Factory(ctx));
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setOut(ctx.out());
    cl.setErr(ctx.err());
    cl.setExecutionExceptionHandler(
        (e, cmd, parseResult) -> {
          Failure f = classify(e);
          ctx.err().println("error: " + KeysetFiles.redact(f.message));
          if (f.code == USAGE) {
            ctx.err().println("Run with --help for usage.");
          }
          return f.code;
        });
    cl.setParameterExceptionHandler(
        (e, a) -> {
          ctx.err().println("error: " + KeysetFiles.redact(e.getMessage()));
          e.getCommandLine().usage(ctx.err());
          return USAGE;
        });
    return cl.execute(args);
  }

  private record Failure(int code, String message) {}

  private static Failure classify(Exception e) {
    if (e instanceof CommandFailure f) {
      return new Failure(f.exitCode(), f.getMessage());
    }
    if (e instanceof FileAlreadyExistsException x) {
      return new Failure(
          EXISTS,
          x.getFile() + " already exists; choose another file, or pass --force to replace it.");
    }
    if (e instanceof KeysetLoadException || e instanceof KeyDirectoryException) {
      return new Failure(FAILED, e.getMessage());
    }
    if (e instanceof PayloadCodecException) {
      return new Failure(KMS_UNAVAILABLE, e.getMessage());
    }
    if (e instanceof IOException || e instanceof UncheckedIOException) {
      Throwable io = e instanceof UncheckedIOException u ? u.getCause() : e;
      return new Failure(
          FAILED,
          "cannot write the file: "
              + io.getClass().getSimpleName()
              + ": "
              + io.getMessage()
              + "; nothing was changed.");
    }
    if (e instanceof GeneralSecurityException || e instanceof IllegalArgumentException) {
      return new Failure(FAILED, e.getMessage());
    }
    return new Failure(FAILED, e.getClass().getSimpleName() + ": " + e.getMessage());
  }

  /** Creates command objects with the context. */
  private static final class Factory implements CommandLine.IFactory {
    private final CommandContext ctx;

    Factory(CommandContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public <K> K create(Class<K> cls) throws Exception {
      if (LeafCommand.class.isAssignableFrom(cls)) {
        K k = CommandLine.defaultFactory().create(cls);
        ((LeafCommand) k).context = ctx;
        return k;
      }
      return CommandLine.defaultFactory().create(cls);
    }
  }

  /** A command that does something: it has the context. */
  abstract static class LeafCommand implements java.util.concurrent.Callable<Integer> {
    CommandContext context;

    @Override
    public final Integer call() throws Exception {
      run();
      return OK;
    }

    abstract void run() throws Exception;

    void print(String line) {
      context.out().println(KeysetFiles.redact(line));
    }
  }

  /** The version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Commands.class.getPackage().getImplementationVersion();
      return new String[] {"nexus-security-keys " + (v == null ? "(development build)" : v)};
    }
  }
}
