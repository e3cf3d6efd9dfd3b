package dev.nexussecurity.testing.internal;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;

/**
 * Quiet test logging for projects that use logback and have no logback configuration: INFO to the
 * console, with the Temporal SDK and its embedded server at WARN, instead of logback's default of
 * everything at DEBUG (hundreds of lines of Temporal and gRPC internals per test class).
 *
 * <p>Registered as a logback {@link Configurator} service, which logback asks before it looks for
 * its configuration files. It steps aside, changing nothing, whenever the project configures
 * logback itself: a {@code logback.configurationFile} system property, or a {@code
 * logback-test.xml}, {@code logback.xml} (or their serialized {@code .scmo} forms) on the class
 * path. Projects without logback never load it.
 */
@ConfiguratorRank(ConfiguratorRank.FALLBACK)
public final class QuietLoggingConfigurator extends ContextAwareBase implements Configurator {
  /** The files logback's own configurators look for, in their order. */
  static final List<String> CONFIGURATION_FILES =
      List.of("logback-test.scmo", "logback-test.xml", "logback.scmo", "logback.xml");

  /** The system property naming a logback configuration file. */
  static final String CONFIGURATION_FILE_PROPERTY = "logback.configurationFile";

  static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n";

  private final Predicate<String> onClassPath;
  private final UnaryOperator<String> systemProperty;

  /** The instance logback creates: looks at the real class path and system properties. */
  public QuietLoggingConfigurator() {
    this(QuietLoggingConfigurator::isResource, System::getProperty);
  }

  QuietLoggingConfigurator(Predicate<String> onClassPath, UnaryOperator<String> systemProperty) {
    this.onClassPath = Objects.requireNonNull(onClassPath, "onClassPath");
    this.systemProperty = Objects.requireNonNull(systemProperty, "systemProperty");
  }

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (systemProperty.apply(CONFIGURATION_FILE_PROPERTY) != null
        || CONFIGURATION_FILES.stream().anyMatch(onClassPath)) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY; // the project's own configuration applies
    }
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(PATTERN);
    encoder.start();
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setName("console");
    console.setEncoder(encoder);
    console.start();

    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(console);
    context.getLogger("io.temporal").setLevel(Level.WARN);
    // the embedded server has no worker heartbeats; the SDK says so once per namespace
    context.getLogger("io.temporal.internal.worker.HeartbeatManager").setLevel(Level.ERROR);
    addInfo(
        "No logback configuration found: nexus-security-test-fixtures logs INFO to the console,"
            + " io.temporal at WARN. Add a logback-test.xml to choose otherwise.");
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  private static boolean isResource(String name) {
    ClassLoader logback = Configurator.class.getClassLoader();
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    return (logback != null && logback.getResource(name) != null)
        || (context != null && context.getResource(name) != null)
        || ClassLoader.getSystemResource(name) != null;
  }
}
