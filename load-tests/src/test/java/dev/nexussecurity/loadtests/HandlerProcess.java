package dev.nexussecurity.loadtests;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One {@link HandlerMain} JVM, seen from the test: started with the test's class path, its output
 * copied to {@code <dir>/<name>-<incarnation>.out}, commands written to its stdin.
 */
final class HandlerProcess implements AutoCloseable {
  private static final long READY_TIMEOUT_SECONDS = 240;

  private final String name;
  private final Process process;
  private final PrintWriter commands;
  private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();

  private HandlerProcess(String name, Process process, Path output) {
    this.name = name;
    this.process = process;
    this.commands =
        new PrintWriter(
            new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8), true);
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                      new BufferedReader(
                          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                  Writer out =
                      Files.newBufferedWriter(
                          output,
                          StandardCharsets.UTF_8,
                          StandardOpenOption.CREATE,
                          StandardOpenOption.APPEND)) {
                String line;
                while ((line = r.readLine()) != null) {
                  out.write(line);
                  out.write('\n');
                  out.flush();
                  if (line.startsWith("READY")
                      || line.startsWith("STATUS")
                      || line.startsWith("OK")
                      || line.startsWith("BYE")
                      || line.startsWith("ERROR")) {
                    replies.add(line);
                  }
                }
              } catch (IOException e) {
                // the process is gone
              }
            },
            "load-tests-" + name + "-output");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts a handler process and waits until its workers poll.
   *
   * @param incarnation distinguishes the execution log and output of a restarted process
   */
  static HandlerProcess start(
      String name,
      int incarnation,
      String target,
      Path dir,
      int payloadGeneration,
      SecuritySetup.Tuning tuning,
      boolean sticky,
      Map<String, String> environment) {
    String id = name + "-" + incarnation;
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    command.add("-XX:+UseG1GC");
    command.add("-cp");
    command.add(testClassPath());
    command.add(HandlerMain.class.getName());
    command.add(name);
    command.add(target);
    command.add(dir.resolve("executions").resolve(id + ".log").toString());
    command.add(Integer.toString(payloadGeneration));
    command.add(tuning.encode());
    command.add(sticky ? "sticky" : "non-sticky");
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    Map<String, String> env = new HashMap<>(pb.environment());
    env.putAll(environment);
    pb.environment().putAll(env);
    try {
      Files.createDirectories(dir.resolve("executions"));
      HandlerProcess p = new HandlerProcess(name, pb.start(), dir.resolve(id + ".out"));
      String ready = p.reply(READY_TIMEOUT_SECONDS);
      if (!ready.startsWith("READY")) {
        p.kill();
        throw new IllegalStateException(name + " did not start: " + ready);
      }
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start handler process " + name, e);
    }
  }

  /** The test class path: surefire's, else this JVM's. */
  static String testClassPath() {
    String cp = System.getProperty("surefire.test.class.path");
    return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
  }

  String getName() {
    return name;
  }

  long pid() {
    return process.pid();
  }

  /** Sends {@code command} and returns the reply line. */
  synchronized String command(String command) {
    commands.println(command);
    return reply(60);
  }

  /** The process's status line as key/value pairs (after a full GC in the process). */
  Map<String, String> status() {
    String line = command("status");
    Map<String, String> values = new HashMap<>();
    for (String part : line.split(" ")) {
      int eq = part.indexOf('=');
      if (eq > 0) {
        values.put(part.substring(0, eq), part.substring(eq + 1));
      }
    }
    return values;
  }

  private String reply(long timeoutSeconds) {
    try {
      String line = replies.poll(timeoutSeconds, TimeUnit.SECONDS);
      if (line == null) {
        throw new IllegalStateException(
            name + " did not answer within " + timeoutSeconds + " s (alive: " + isAlive() + ")");
      }
      return line;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL: the process dies wherever it is, mid-operation included. */
  void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Graceful shutdown; kills the process if it does not exit in time. */
  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    try {
      commands.println("exit");
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        kill();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill();
    }
  }
}
