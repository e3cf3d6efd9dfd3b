package dev.nexussecurity.testing.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import dev.nexussecurity.testing.LocalTemporalServer;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;

class QuietLoggingConfiguratorTest {
  private static ExecutionStatus configure(
      LoggerContext context, List<String> filesOnClassPath, Map<String, String> properties) {
    QuietLoggingConfigurator configurator =
        new QuietLoggingConfigurator(filesOnClassPath::contains, properties::get);
    configurator.setContext(context);
    return configurator.configure(context);
  }

  @Test
  void noLogbackConfiguration_infoToTheConsole_temporalAtWarn() {
    LoggerContext context = new LoggerContext();

    ExecutionStatus status = configure(context, List.of(), Map.of());

    assertThat(status).isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    assertThat(root.getLevel()).isEqualTo(Level.INFO);
    assertThat(root.getAppender("console")).isNotNull();
    assertThat(context.getLogger("io.temporal.internal.worker.Poller").getEffectiveLevel())
        .isEqualTo(Level.WARN);
    assertThat(context.getLogger("io.grpc.netty").getEffectiveLevel()).isEqualTo(Level.INFO);
    assertThat(context.getLogger("dev.nexussecurity.audit").getEffectiveLevel())
        .isEqualTo(Level.INFO);
  }

  @Test
  void projectsOwnConfigurationFile_changesNothing() {
    for (String file : QuietLoggingConfigurator.CONFIGURATION_FILES) {
      LoggerContext context = new LoggerContext();

      ExecutionStatus status = configure(context, List.of(file), Map.of());

      assertThat(status).as(file).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
      ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
      assertThat(root.getLevel()).as(file).isEqualTo(Level.DEBUG); // logback's untouched default
      assertThat(root.iteratorForAppenders().hasNext()).as(file).isFalse();
      assertThat(context.getLogger("io.temporal").getLevel()).as(file).isNull();
    }
  }

  @Test
  void configurationFileProperty_changesNothing() {
    LoggerContext context = new LoggerContext();

    ExecutionStatus status =
        configure(context, List.of(), Map.of("logback.configurationFile", "/etc/my-logback.xml"));

    assertThat(status).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
    assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders().hasNext())
        .isFalse();
  }

  @Test
  void isALogbackConfiguratorService() {
    assertThat(ServiceLoader.load(Configurator.class).stream().map(ServiceLoader.Provider::type))
        .contains(QuietLoggingConfigurator.class);
  }

  /**
   * A process with the fixtures and logback but no logback configuration: starting the embedded
   * server logs nothing below INFO (logback's own default would print gRPC and Netty internals at
   * DEBUG).
   */
  @Test
  @Timeout(60)
  void processWithoutLogbackConfiguration_logsNothingBelowInfo() throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(classPathWithoutTestResources());
    command.add(LocalTemporalServer.class.getName());
    command.addAll(List.of("--port", "0", "--endpoint", "greeting=handler-ns/greeting-tq"));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      List<String> lines = linesUntilReady(process);

      assertThat(lines).last().asString().startsWith("Temporal server on 127.0.0.1:");
      assertThat(lines).noneMatch(line -> line.contains(" DEBUG ") || line.contains(" TRACE "));
      assertThat(lines).as(String.join("\n", lines)).hasSizeLessThan(10);
    } finally {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  /** This JVM's class path without the test classes and resources (where logback-test.xml is). */
  private static String classPathWithoutTestResources() throws IOException {
    List<String> entries = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (entry.endsWith(".jar") && entry.contains("surefirebooter")) {
        // surefire passes the class path in the manifest of a booter jar
        try (JarFile booter = new JarFile(entry)) {
          for (String url :
              booter.getManifest().getMainAttributes().getValue("Class-Path").split(" ")) {
            if (!url.isBlank()) {
              entries.add(Path.of(URI.create(url)).toString());
            }
          }
        }
      } else {
        entries.add(entry);
      }
    }
    return entries.stream()
        .filter(e -> !Path.of(e).endsWith("test-classes"))
        .peek(
            e ->
                assertThat(
                        Files.isDirectory(Path.of(e))
                            && Files.exists(Path.of(e).resolve("logback-test.xml")))
                    .as("logback-test.xml in %s", e)
                    .isFalse())
        .collect(Collectors.joining(File.pathSeparator));
  }

  /** The process's output up to and including its ready line. */
  private static List<String> linesUntilReady(Process process) throws Exception {
    BufferedReader reader =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    List<String> lines = new ArrayList<>();
    return CompletableFuture.supplyAsync(
            () -> {
              try {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                  lines.add(line);
                  if (line.startsWith("Temporal server on ")) {
                    return lines;
                  }
                }
              } catch (IOException e) {
                throw new IllegalStateException(e);
              }
              throw new IllegalStateException(
                  "ended without starting:\n" + String.join("\n", lines));
            })
        .get(60, TimeUnit.SECONDS);
  }
}
