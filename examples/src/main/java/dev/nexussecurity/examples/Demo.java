package dev.nexussecurity.examples;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Locale;

/**
 * The demo: ten scenarios of Nexus security on an embedded Temporal server, one line each, saying
 * what was expected and what happened. Exits 0 when every scenario behaved as expected, 1 when one
 * did not, 2 when the demo could not start.
 *
 * <p>Run from the repository root (builds what it needs, then runs):
 *
 * <pre>{@code
 * mvn -B -q -pl examples -am -DskipTests package exec:java
 * }</pre>
 *
 * <p>Option {@code --keep-files} keeps the work directory (development keys, registry copy) instead
 * of deleting it at the end; they show what {@code nexus-security-keys} writes.
 */
public final class Demo {
  private Demo() {}

  public static void main(String[] args) {
    int status;
    try {
      status = run(args, System.out);
    } catch (IllegalArgumentException e) {
      System.out.println("Usage: Demo [--keep-files]  (" + e.getMessage() + ")");
      status = 2;
    }
    System.out.flush();
    System.exit(status);
  }

  /**
   * Runs the demo, printing to {@code out}; returns the exit status.
   *
   * @throws IllegalArgumentException for an unknown option
   */
  public static int run(String[] args, PrintStream out) {
    boolean keepFiles = CommandLine.parse(args, "--keep-files").containsKey("--keep-files");
    long start = System.nanoTime();
    Path workDir;
    try {
      workDir = Files.createTempDirectory("nexus-security-demo-");
    } catch (IOException e) {
      out.println("The demo could not create a work directory: " + e);
      return 2;
    }
    out.println(
        "nexus-security demo: embedded Temporal server; callers in namespaces "
            + DemoScenarios.ORDERS
            + " (allowed) and "
            + DemoScenarios.ANALYTICS
            + " (not allowed) call the Nexus endpoint '"
            + DemoScenarios.ENDPOINT
            + "' of namespace "
            + DemoScenarios.PAYMENTS
            + " (PaymentsService, FraudService).");
    out.println(
        "Keys: namespace keys per namespace, one key directory and the 'fraud' keyset, made for"
            + " this run with nexus-security-keys as cleartext DEVELOPMENT-ONLY keysets in "
            + workDir.resolve("keys")
            + (keepFiles ? " (kept)" : " (deleted at the end)"));
    List<ScenarioResult> results;
    try (DemoScenarios scenarios = DemoScenarios.start(workDir)) {
      out.println(
          "Started in "
              + seconds(System.nanoTime() - start)
              + ": registry loaded from registry.json, keys loaded from their files, converters"
              + " checked, handler and caller workers running (pairwise identity, payload codec"
              + " format 2).");
      results = scenarios.runAll();
      for (ScenarioResult r : results) {
        out.println(r.toLine());
      }
    } catch (RuntimeException e) {
      out.println("The demo could not start: " + e);
      deleteUnlessKept(workDir, keepFiles, out);
      return 2;
    }
    deleteUnlessKept(workDir, keepFiles, out);
    long passed = results.stream().filter(ScenarioResult::isPassed).count();
    String elapsed = seconds(System.nanoTime() - start);
    if (passed == results.size()) {
      out.println("All " + results.size() + " scenarios behaved as expected (" + elapsed + ").");
      return 0;
    }
    out.println(
        (results.size() - passed)
            + " of "
            + results.size()
            + " scenarios did NOT behave as expected ("
            + elapsed
            + ").");
    return 1;
  }

  private static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
  }

  private static void deleteUnlessKept(Path dir, boolean keep, PrintStream out) {
    if (keep) {
      return;
    }
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.delete(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
              Files.delete(d);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException | UncheckedIOException e) {
      out.println("Could not delete " + dir + ": " + e);
    }
  }
}
