package dev.nexussecurity.core;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.nexussecurity.api.CodecDescriptor;
import dev.nexussecurity.api.DescribedCodec;
import dev.nexussecurity.api.PayloadProtection;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.CodecDataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.payload.codec.PayloadCodec;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** {@link NexusSecurity} warns at start-up while a rollout switch is on, and only then. */
class NexusSecurityRolloutWarningTest {
  private final ListAppender<ILoggingEvent> log = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(NexusSecurity.class);

  @BeforeEach
  void capture() {
    log.start();
    logger.addAppender(log);
  }

  @AfterEach
  void release() {
    logger.detachAppender(log);
  }

  /** A codec that describes itself, accepting plaintext or not. */
  private static final class Described implements PayloadCodec, DescribedCodec {
    private final boolean acceptsPlaintext;

    Described(boolean acceptsPlaintext) {
      this.acceptsPlaintext = acceptsPlaintext;
    }

    @Override
    public List<Payload> encode(List<Payload> payloads) {
      return payloads;
    }

    @Override
    public List<Payload> decode(List<Payload> payloads) {
      return payloads;
    }

    @Override
    public CodecDescriptor describe() {
      return CodecDescriptor.newBuilder("test/described")
          .addPayloadProtection(PayloadProtection.shared("default"))
          .setAcceptingUnencodedPayloads(acceptsPlaintext)
          .build();
    }
  }

  private static NexusSecurityOptions.Builder options() {
    return NexusSecurityOptions.newBuilder()
        .setNamespaceKeys(NexusSecurityOptionsTest.ORDERS)
        .setRegistry(new MapRegistry());
  }

  private List<String> warnings() {
    return log.list.stream()
        .filter(e -> e.getLevel() == Level.WARN)
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }

  @Test
  void noRolloutSwitch_logsNoWarning() {
    NexusSecurity.newInstance(
        options()
            .setDataConverter(
                new CodecDataConverter(
                    DefaultDataConverter.newDefaultInstance(), List.of(new Described(false))))
            .build());

    assertThat(warnings()).isEmpty();
  }

  @Test
  void handlerRolloutSwitchOn_logsAWarningNamingTheSwitchAndTheGuide() {
    NexusSecurity.newInstance(
        options()
            .setHandlerPolicy(
                HandlerPolicy.newBuilder().setRolloutAdmitCallsWithoutToken(true).build())
            .build());

    assertThat(warnings())
        .singleElement()
        .satisfies(
            w ->
                assertThat(w)
                    .contains("ROLLOUT SWITCH ON for namespace 'orders'")
                    .contains("HandlerPolicy.rolloutAdmitCallsWithoutToken")
                    .contains("docs/rollout.md"));
  }

  @Test
  void codecAcceptingPlaintext_logsAWarningNamingTheCodec() {
    NexusSecurity.newInstance(
        options()
            .setDataConverter(
                new CodecDataConverter(
                    DefaultDataConverter.newDefaultInstance(), List.of(new Described(true))))
            .build());

    assertThat(warnings())
        .singleElement()
        .satisfies(w -> assertThat(w).contains("'test/described' accepts unencrypted payloads"));
  }
}
