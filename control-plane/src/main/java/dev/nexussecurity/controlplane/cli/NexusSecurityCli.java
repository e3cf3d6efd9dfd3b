package dev.nexussecurity.controlplane.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ScopeType;

/**
 * The {@code nexus-security} command-line client of the control plane's endpoint management API:
 * {@code nexus-security endpoint create|get|list|update|delete}, with table or JSON output.
 *
 * <p>It authenticates with a bearer token from {@code --token}, {@code --token-file} or the
 * environment variable {@code NEXUS_SECURITY_TOKEN} (in that order), and talks to {@code --server}
 * or {@code NEXUS_SECURITY_SERVER} (default {@code http://127.0.0.1:8081}). Exit codes: 0 done, 1
 * unexpected failure (for example an unreadable token file), 2 bad command line, 3 not
 * authenticated (401), 4 permission denied (403), 5 not found (404), 6 conflict (409: stale
 * resource version, or the name exists), 7 invalid request (400, 413, 415), 8 server unreachable,
 * rate-limited or failing (429, 5xx).
 *
 * <pre>{@code
 * export NEXUS_SECURITY_TOKEN=$(cat ~/.config/idp/token)
 * java -jar nexus-security-control-plane-<version>-cli.jar endpoint create payments \
 *     --target-namespace payments-ns --target-task-queue payments-nexus --allow orders-ns
 * }</pre>
 */
@Command(
    name = "nexus-security",
    mixinStandardHelpOptions = true,
    versionProvider = NexusSecurityCli.Version.class,
    description = "Manage the Nexus endpoint registry of a nexus-security control plane.",
    subcommands = {NexusSecurityCli.EndpointCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:done",
      "1:unexpected failure (e.g. the token file cannot be read)",
      "2:bad command line",
      "3:not authenticated (401): no, expired or rejected token",
      "4:permission denied (403)",
      "5:not found (404)",
      "6:conflict (409): stale resource version, or the name exists",
      "7:invalid request (400, 413, 415)",
      "8:server unreachable, rate-limited (429) or failing (5xx)"
    })
public final class NexusSecurityCli {
  /** Exit code: done. */
  public static final int OK = 0;

  /** Exit code: an unexpected failure. */
  public static final int FAILURE = 1;

  /** Exit code: bad command line. */
  public static final int USAGE = 2;

  /** Exit code: 401. */
  public static final int UNAUTHENTICATED = 3;

  /** Exit code: 403. */
  public static final int PERMISSION_DENIED = 4;

  /** Exit code: 404. */
  public static final int NOT_FOUND = 5;

  /** Exit code: 409. */
  public static final int CONFLICT = 6;

  /** Exit code: 400, 413, 415. */
  public static final int INVALID = 7;

  /** Exit code: the server cannot be reached, limits the rate, or fails. */
  public static final int UNAVAILABLE = 8;

  private NexusSecurityCli() {}

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    System.exit(
        run(
            args,
            System.getenv(),
            new PrintWriter(System.out, true),
            new PrintWriter(System.err, true)));
  }

  /**
   * Runs the command line with {@code environment} (for {@code NEXUS_SECURITY_TOKEN} and {@code
   * NEXUS_SECURITY_SERVER}), writing to {@code out} and {@code err}; returns the exit code.
   */
  public static int run(
      String[] args, Map<String, String> environment, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new NexusSecurityCli());
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          if (e instanceof ApiClient.CliException c) {
            err.println("error: " + c.getMessage());
            return c.exitCode();
          }
          err.println("error: " + e);
          return FAILURE;
        });
    for (CommandLine sub : cli.getSubcommands().values()) {
      for (CommandLine leaf : sub.getSubcommands().values()) {
        if (leaf.getCommand() instanceof Base b) {
          b.environment = environment;
        }
      }
    }
    return cli.execute(args);
  }

  /** The version from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = NexusSecurityCli.class.getPackage().getImplementationVersion();
      return new String[] {"nexus-security " + (v == null ? "(development build)" : v)};
    }
  }

  /** {@code nexus-security endpoint ...}. */
  @Command(
      name = "endpoint",
      mixinStandardHelpOptions = true,
      description = "Create, show, list, update and delete Nexus endpoints.",
      subcommands = {
        CreateCommand.class,
        GetCommand.class,
        ListCommand.class,
        UpdateCommand.class,
        DeleteCommand.class
      })
  static final class EndpointCommand {}

  /** Options every endpoint command has. */
  abstract static class Base implements Callable<Integer> {
    Map<String, String> environment = System.getenv();

    @Option(
        names = "--server",
        scope = ScopeType.INHERIT,
        paramLabel = "URL",
        description =
            "The control plane's URL (default: $NEXUS_SECURITY_SERVER, else http://127.0.0.1:8081).")
    String server;

    @Option(
        names = "--token",
        paramLabel = "TOKEN",
        description =
            "The bearer token (visible in process lists: prefer --token-file or"
                + " $NEXUS_SECURITY_TOKEN).")
    String token;

    @Option(
        names = "--token-file",
        paramLabel = "FILE",
        description = "A file holding the bearer token.")
    Path tokenFile;

    @Option(
        names = "--ca-file",
        paramLabel = "PEM",
        description = "CA certificate(s) to trust for the server's TLS certificate.")
    Path caFile;

    @Option(
        names = {"-o", "--output"},
        paramLabel = "FORMAT",
        description = "table (default) or json.",
        defaultValue = "table")
    Output output;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    enum Output {
      table,
      json
    }

    ApiClient client() {
      String url =
          server != null
              ? server
              : environment.getOrDefault("NEXUS_SECURITY_SERVER", "http://127.0.0.1:8081");
      return new ApiClient(url, Tokens.resolve(token, tokenFile, environment), caFile);
    }

    PrintWriter out() {
      return spec.commandLine().getOut();
    }

    CommandLine.Model.CommandSpec spec() {
      return spec;
    }

    static Map<String, String> serviceProtections(
        CommandLine.Model.CommandSpec spec, List<String> args) {
      try {
        return Specs.serviceProtections(args);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
      }
    }

    void print(Map<String, Object> endpoint, String heading) {
      if (output == Output.json) {
        out().println(Json.pretty(endpoint));
      } else {
        if (heading != null) {
          out().println(heading);
        }
        out().print(Tables.details(endpoint));
      }
      out().flush();
    }
  }

  /** {@code endpoint get NAME}. */
  @Command(name = "get", mixinStandardHelpOptions = true, description = "Show one endpoint.")
  static final class GetCommand extends Base {
    @Parameters(paramLabel = "NAME", description = "The endpoint's name.")
    String name;

    @Override
    public Integer call() {
      print(client().get(name), null);
      return OK;
    }
  }

  /** {@code endpoint list}. */
  @Command(name = "list", mixinStandardHelpOptions = true, description = "List endpoints, by name.")
  static final class ListCommand extends Base {
    @Option(
        names = "--target-namespace",
        paramLabel = "NS",
        description = "Only endpoints targeting this namespace.")
    String targetNamespace;

    @Option(
        names = "--target-task-queue",
        paramLabel = "TQ",
        description = "Only endpoints targeting this task queue.")
    String targetTaskQueue;

    @Option(
        names = "--page-size",
        paramLabel = "N",
        defaultValue = "100",
        description = "Endpoints per request (1 to 1000; every page is fetched).")
    int pageSize;

    @Override
    public Integer call() {
      if (pageSize < 1 || pageSize > 1000) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--page-size must be 1 to 1000");
      }
      List<Map<String, Object>> all = client().list(targetNamespace, targetTaskQueue, pageSize);
      if (output == Output.json) {
        out().println(Json.pretty(Map.of("endpoints", all)));
      } else {
        out().print(Tables.list(all));
      }
      out().flush();
      return OK;
    }
  }

  /** {@code endpoint create NAME --target-namespace NS --target-task-queue TQ [--allow NS]...}. */
  @Command(name = "create", mixinStandardHelpOptions = true, description = "Create an endpoint.")
  static final class CreateCommand extends Base {
    @Parameters(paramLabel = "NAME", description = "The endpoint's name (immutable).")
    String name;

    @Option(
        names = "--target-namespace",
        required = true,
        paramLabel = "NS",
        description = "The handler namespace.")
    String targetNamespace;

    @Option(
        names = "--target-task-queue",
        required = true,
        paramLabel = "TQ",
        description = "The handler task queue.")
    String targetTaskQueue;

    @Option(
        names = "--allow",
        paramLabel = "NS",
        description = "A caller namespace allowed to call it (repeat; none: nobody may call).")
    List<String> allow = new ArrayList<>();

    @CommandLine.ArgGroup(exclusive = true)
    Description description;

    @Option(
        names = "--payload-protection",
        paramLabel = "P",
        description =
            "The endpoint-wide payload protection: shared:<keyset>, pairwise, hpke or"
                + " authenticated (default: none, the workers' default).")
    String payloadProtection;

    @Option(
        names = "--service-protection",
        paramLabel = "SERVICE=P",
        description = "The payload protection of one Nexus service (repeat).")
    List<String> serviceProtection = new ArrayList<>();

    @Override
    public Integer call() {
      Map<String, Object> spec =
          Specs.spec(
              name,
              targetNamespace,
              targetTaskQueue,
              allow,
              Description.text(description, ""),
              payloadProtection,
              serviceProtections(spec(), serviceProtection));
      Map<String, Object> created = client().create(spec);
      print(
          created,
          "Created endpoint "
              + name
              + " (resourceVersion "
              + created.get("resourceVersion")
              + ").");
      return OK;
    }
  }

  /** {@code endpoint update NAME [changes] [--resource-version V]}. */
  @Command(
      name = "update",
      mixinStandardHelpOptions = true,
      description =
          "Change an endpoint. Without --resource-version, the current endpoint is read and changed;"
              + " with it, the change is refused (exit 6) if the endpoint changed since that version.")
  static final class UpdateCommand extends Base {
    @Parameters(paramLabel = "NAME", description = "The endpoint's name.")
    String name;

    @Option(
        names = "--target-namespace",
        paramLabel = "NS",
        description = "A new handler namespace (a move).")
    String targetNamespace;

    @Option(
        names = "--target-task-queue",
        paramLabel = "TQ",
        description = "A new handler task queue.")
    String targetTaskQueue;

    @Option(
        names = "--allow",
        paramLabel = "NS",
        description = "Replace the allowlist with these namespaces (repeat).")
    List<String> allow;

    @Option(
        names = "--add-allow",
        paramLabel = "NS",
        description = "Add a caller namespace (repeat).")
    List<String> addAllow = new ArrayList<>();

    @Option(
        names = "--remove-allow",
        paramLabel = "NS",
        description = "Remove a caller namespace (repeat).")
    List<String> removeAllow = new ArrayList<>();

    @Option(names = "--deny-all", description = "Empty the allowlist: nobody may call.")
    boolean denyAll;

    @CommandLine.ArgGroup(exclusive = true)
    Description description;

    @Option(
        names = "--payload-protection",
        paramLabel = "P",
        description =
            "A new endpoint-wide payload protection: shared:<keyset>, pairwise, hpke or"
                + " authenticated.")
    String payloadProtection;

    @Option(
        names = "--clear-payload-protection",
        description = "Remove the endpoint-wide payload protection (the workers' default applies).")
    boolean clearPayloadProtection;

    @Option(
        names = "--service-protection",
        paramLabel = "SERVICE=P",
        description = "Set the payload protection of one Nexus service (repeat).")
    List<String> serviceProtection = new ArrayList<>();

    @Option(
        names = "--remove-service-protection",
        paramLabel = "SERVICE",
        description = "Remove one Nexus service's payload protection (repeat).")
    List<String> removeServiceProtection = new ArrayList<>();

    @Option(
        names = "--resource-version",
        paramLabel = "V",
        description = "The resourceVersion the change is meant for (default: the current one).")
    String resourceVersion;

    @Override
    public Integer call() {
      if (payloadProtection != null && clearPayloadProtection) {
        throw new CommandLine.ParameterException(
            spec().commandLine(),
            "--payload-protection and --clear-payload-protection contradict each other; give one");
      }
      Map<String, String> setServices = serviceProtections(spec(), serviceProtection);
      ApiClient api = client();
      Map<String, Object> current = api.get(name);
      String version =
          resourceVersion != null ? resourceVersion : (String) current.get("resourceVersion");
      Map<String, Object> spec =
          Specs.changed(
              current,
              targetNamespace,
              targetTaskQueue,
              denyAll ? List.of() : allow,
              addAllow,
              removeAllow,
              description == null ? null : Description.text(description, null),
              payloadProtection,
              clearPayloadProtection,
              setServices,
              removeServiceProtection);
      Map<String, Object> updated = api.update(name, spec, version);
      print(
          updated,
          "Updated endpoint "
              + name
              + " (resourceVersion "
              + updated.get("resourceVersion")
              + ").");
      return OK;
    }
  }

  /** {@code endpoint delete NAME [--resource-version V]}. */
  @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete an endpoint.")
  static final class DeleteCommand extends Base {
    @Parameters(paramLabel = "NAME", description = "The endpoint's name.")
    String name;

    @Option(
        names = "--resource-version",
        paramLabel = "V",
        description = "The resourceVersion the delete is meant for (default: the current one).")
    String resourceVersion;

    @Override
    public Integer call() {
      ApiClient api = client();
      String version =
          resourceVersion != null ? resourceVersion : (String) api.get(name).get("resourceVersion");
      api.delete(name, version);
      if (output == Output.json) {
        out().println(Json.pretty(Map.of("deleted", name, "resourceVersion", version)));
      } else {
        out().println("Deleted endpoint " + name + " (was resourceVersion " + version + ").");
      }
      out().flush();
      return OK;
    }
  }

  /** The description, as text or from a file. */
  static final class Description {
    @Option(names = "--description", paramLabel = "TEXT", description = "The description.")
    String text;

    @Option(
        names = "--description-file",
        paramLabel = "FILE",
        description = "A file holding the description.")
    Path file;

    static String text(Description d, String absent) {
      if (d == null) {
        return absent;
      }
      if (d.text != null) {
        return d.text;
      }
      return Tokens.readFile(d.file, "description");
    }
  }
}
