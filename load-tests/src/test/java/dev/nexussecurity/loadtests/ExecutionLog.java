package dev.nexussecurity.loadtests;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * An append-only file of handler executions, one line {@code <operationId> <operation> <process>
 * <requestId>} per execution, written straight to the file (no buffer) so that a process killed
 * with SIGKILL loses nothing it had recorded. Each process incarnation writes its own file.
 */
final class ExecutionLog implements AutoCloseable {
  private final String processName;
  private final FileOutputStream out;

  ExecutionLog(Path file, String processName) {
    this.processName = processName;
    try {
      Files.createDirectories(file.getParent());
      this.out = new FileOutputStream(file.toFile(), true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the execution log " + file, e);
    }
  }

  String getProcessName() {
    return processName;
  }

  /** Records one execution of {@code operation} for {@code operationId}. */
  synchronized void record(String operationId, String operation, String requestId) {
    try {
      out.write(
          (operationId + " " + operation + " " + processName + " " + requestId + "\n")
              .getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to the execution log", e);
    }
  }

  @Override
  public synchronized void close() throws IOException {
    out.close();
  }

  /** One recorded execution: which process ran it for which Nexus request id. */
  record Execution(String process, String requestId) {}

  /**
   * Every execution recorded in the {@code *.log} files of {@code dir}: operation id to its
   * executions.
   */
  static Map<String, List<Execution>> readAll(Path dir) {
    Map<String, List<Execution>> executions = new HashMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".log"))::iterator) {
        for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
          String[] parts = line.split(" ");
          if (parts.length == 4) {
            executions
                .computeIfAbsent(parts[0], k -> new ArrayList<>())
                .add(new Execution(parts[2], parts[3]));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the execution logs in " + dir, e);
    }
    return executions;
  }

  /** Deletes {@code dir} and everything under it, if it exists: a run starts from nothing. */
  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) paths.sorted(java.util.Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }
}
