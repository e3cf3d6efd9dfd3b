package dev.nexussecurity.it;

import static dev.nexussecurity.it.support.DenialAssertions.assertDenied;
import static dev.nexussecurity.it.support.DenialAssertions.chain;
import static dev.nexussecurity.it.support.SecurityTestBed.CALLER_A;
import static dev.nexussecurity.it.support.SecurityTestBed.CALLER_B;
import static dev.nexussecurity.it.support.SecurityTestBed.ENDPOINT;
import static dev.nexussecurity.it.support.SecurityTestBed.HANDLER_NS;
import static dev.nexussecurity.it.support.SecurityTestBed.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.read.ListAppender;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.signature.Ed25519PrivateKey;
import com.google.crypto.tink.signature.PredefinedSignatureParameters;
import com.google.crypto.tink.signature.SignatureConfig2026;
import dev.nexussecurity.api.AccessDecisionEvent.Side;
import dev.nexussecurity.api.ReasonCode;
import dev.nexussecurity.it.support.CallerProfile;
import dev.nexussecurity.it.support.SecurityTestBed;
import dev.nexussecurity.it.support.Tokens;
import dev.nexussecurity.testing.NexusSecurityExtension;
import dev.nexussecurity.testing.NexusSecurityTestEnvironment;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.slf4j.LoggerFactory;

/**
 * Tokens and keys never reach the logs: everything logged (by nexus-security and by the Temporal
 * SDK, with their loggers turned up to DEBUG and INFO) while running an allowed call and a series
 * of handler-side denials is captured and searched for every token sent and every key's bytes. The
 * failures the caller workflows see are searched too.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Execution(ExecutionMode.SAME_THREAD)
@Timeout(60)
class NoSecretsInLogsTest {
  @RegisterExtension static final NexusSecurityExtension NEXUS = SecurityTestBed.extension();

  /** Loggers turned up while capturing, with the level to capture at. */
  private static final Map<String, Level> CAPTURE_LEVELS =
      Map.of(
          "dev.nexussecurity", Level.DEBUG,
          "io.temporal", Level.INFO,
          "io.temporal.internal.nexus.NexusTaskHandlerImpl", Level.DEBUG,
          "io.temporal.internal.sync.WorkflowExecutionHandler", Level.DEBUG);

  private SecurityTestBed bed;

  @BeforeAll
  void start(NexusSecurityTestEnvironment env) {
    bed = SecurityTestBed.start(env);
  }

  @Test
  void allowedAndDeniedCalls_logNeitherTokensNorKeyMaterial() throws Exception {
    KeysetHandle attackerKey =
        KeysetHandle.generateNew(PredefinedSignatureParameters.ED25519, SignatureConfig2026.get());
    // Every token NexusSecurity issued and every (tampered) token actually sent.
    List<String> tokens = new ArrayList<>();
    List<Throwable> callerFailures = new ArrayList<>();
    List<ILoggingEvent> logged;

    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.setContext(context);
    appender.start();
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Map<String, Level> previous = new LinkedHashMap<>();
    CAPTURE_LEVELS.forEach(
        (name, level) -> {
          previous.put(name, context.getLogger(name).getLevel());
          context.getLogger(name).setLevel(level);
        });
    // Keep the turned-up output out of the console: detach the configured appenders meanwhile.
    List<Appender<ILoggingEvent>> configured = new ArrayList<>();
    root.iteratorForAppenders().forEachRemaining(configured::add);
    configured.forEach(root::detachAppender);
    root.addAppender(appender);
    try {
      // Allowed: caller-a.
      String allowedWorkflow = uniqueId("wf");
      String allowedInput = uniqueId("logs-allowed");
      assertThat(bed.call(CallerProfile.A, allowedWorkflow, ENDPOINT, "echo", allowedInput))
          .isEqualTo("echo " + allowedInput + " from " + HANDLER_NS);
      String allowedToken = bed.tamper().seenBy(allowedWorkflow).get(0);
      tokens.add(allowedToken);

      // Denied by the handler, each with a token in the header.
      callerFailures.add(
          denied(CallerProfile.B_ROGUE, ReasonCode.CALLER_NOT_ALLOWED, t -> t, tokens));
      callerFailures.add(
          denied(
              CallerProfile.A,
              ReasonCode.BAD_SIGNATURE,
              t -> Tokens.withEditedClaims(t, claims -> claims.put("op", "echoAgain")),
              tokens));
      callerFailures.add(
          denied(
              CallerProfile.A,
              ReasonCode.UNTRUSTED_CALLER,
              t -> Tokens.signedWithUnknownKey(t, attackerKey),
              tokens));
      callerFailures.add(
          denied(CallerProfile.A, ReasonCode.CALLER_LINK_MISMATCH, t -> allowedToken, tokens));
      callerFailures.add(
          denied(
              CallerProfile.B_ROGUE, ReasonCode.CALLER_LINK_MISMATCH, t -> allowedToken, tokens));
    } finally {
      root.detachAppender(appender);
      configured.forEach(root::addAppender);
      previous.forEach((name, level) -> context.getLogger(name).setLevel(level));
      appender.stop();
    }
    logged = List.copyOf(appender.list);

    List<String> lines = logged.stream().map(NoSecretsInLogsTest::render).toList();
    // The capture works and holds the lines that matter: the audit trail (token ids are
    // identifiers, safe to log) and the SDK's report of each failed Nexus start.
    assertThat(lines)
        .anySatisfy(
            l -> assertThat(l).contains("CALLER_NOT_ALLOWED").contains("caller=" + CALLER_B));
    assertThat(lines).anySatisfy(l -> assertThat(l).contains("DENIED BAD_SIGNATURE"));
    assertThat(lines)
        .anySatisfy(
            l ->
                assertThat(l)
                    .contains("HANDLER START ALLOWED")
                    .contains("tokenId=" + Tokens.tokenId(tokens.get(0))));
    assertThat(lines).anySatisfy(l -> assertThat(l).contains("Nexus start operation failure"));

    Map<String, String> secrets = new LinkedHashMap<>();
    for (int i = 0; i < tokens.size(); i++) {
      String[] parts = tokens.get(i).split("\\.");
      secrets.put("token #" + i, tokens.get(i));
      secrets.put("claims of token #" + i, parts[1]);
      secrets.put("signature of token #" + i, parts[2]);
    }
    Map<String, KeysetHandle> keys =
        Map.of(
            CALLER_A,
            bed.signingKey(CALLER_A),
            CALLER_B,
            bed.signingKey(CALLER_B),
            HANDLER_NS,
            bed.signingKey(HANDLER_NS),
            "attacker",
            attackerKey);
    keys.forEach(
        (owner, key) -> {
          Ed25519PrivateKey privateKey = (Ed25519PrivateKey) key.getPrimary().getKey();
          Map<String, byte[]> material =
              Map.of(
                  "private key of " + owner,
                  privateKey.getPrivateKeyBytes().toByteArray(InsecureSecretKeyAccess.get()),
                  "public key of " + owner,
                  privateKey.getPublicKey().getPublicKeyBytes().toByteArray());
          material.forEach(
              (what, bytes) -> {
                secrets.put(
                    what + " (base64)", Base64.getEncoder().withoutPadding().encodeToString(bytes));
                secrets.put(
                    what + " (base64url)",
                    Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
                secrets.put(what + " (hex)", HexFormat.of().formatHex(bytes));
              });
        });
    assertThat(tokens).hasSize(11);
    secrets.forEach(
        (what, secret) -> {
          assertThat(lines)
              .as("log lines containing the %s", what)
              .noneMatch(l -> l.contains(secret));
          for (Throwable failure : callerFailures) {
            assertThat(chain(failure))
                .as("caller-visible failure messages containing the %s", what)
                .noneMatch(t -> String.valueOf(t.getMessage()).contains(secret));
          }
        });
  }

  /**
   * Runs one call whose token {@code rewrite} produces and asserts the denial; adds the token
   * issued and the token sent to {@code sent}.
   */
  private Throwable denied(
      CallerProfile profile, ReasonCode reason, UnaryOperator<String> rewrite, List<String> sent) {
    String workflowId = uniqueId("wf");
    List<String> sentHere = new ArrayList<>();
    bed.tamper()
        .plan(
            workflowId,
            token -> {
              String value = rewrite.apply(token);
              sentHere.add(value);
              return value;
            });
    Throwable failure =
        catchThrowable(
            () -> bed.call(profile, workflowId, ENDPOINT, "echo", uniqueId("logs-" + reason)));
    assertDenied(failure, reason, Side.HANDLER);
    sent.addAll(bed.tamper().seenBy(workflowId));
    sent.addAll(sentHere);
    return failure;
  }

  private static String render(ILoggingEvent event) {
    StringBuilder sb =
        new StringBuilder(event.getLoggerName()).append(' ').append(event.getFormattedMessage());
    if (event.getThrowableProxy() != null) {
      sb.append('\n').append(ThrowableProxyUtil.asString(event.getThrowableProxy()));
    }
    event.getMDCPropertyMap().forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
    return sb.toString();
  }
}
