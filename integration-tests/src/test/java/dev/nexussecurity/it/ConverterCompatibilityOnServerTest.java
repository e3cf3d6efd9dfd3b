package dev.nexussecurity.it;

import static dev.nexussecurity.it.support.ConverterTestBed.CALLER_NS;
import static dev.nexussecurity.it.support.ConverterTestBed.HANDLER_NS;
import static dev.nexussecurity.it.support.DenialAssertions.assertDenied;
import static dev.nexussecurity.it.support.DenialAssertions.chain;
import static dev.nexussecurity.it.support.EncryptionKeys.K0;
import static dev.nexussecurity.it.support.EncryptionKeys.K1;
import static dev.nexussecurity.it.support.EncryptionKeys.K2;
import static dev.nexussecurity.it.support.SecurityTestBed.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Timestamp;
import dev.nexussecurity.api.AccessDecisionEvent;
import dev.nexussecurity.api.AccessDecisionEvent.Side;
import dev.nexussecurity.api.ReasonCode;
import dev.nexussecurity.codec.tink.TinkPayloadCodec;
import dev.nexussecurity.core.AccessDenials;
import dev.nexussecurity.core.ConverterFingerprint;
import dev.nexussecurity.core.NexusSecurity;
import dev.nexussecurity.it.support.AuditLog;
import dev.nexussecurity.it.support.ConverterTestBed;
import dev.nexussecurity.it.support.ConverterTestBed.Caller;
import dev.nexussecurity.it.support.EncryptionKeys;
import dev.nexussecurity.it.support.HandlerInvocations;
import dev.nexussecurity.it.support.HandlerWorkflows;
import dev.nexussecurity.testing.NexusSecurityExtension;
import dev.nexussecurity.testing.NexusSecurityTestEnvironment;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.failure.TimeoutFailure;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The runtime converter compatibility check, end to end under true cross-namespace routing, with
 * the real Tink payload codec on both sides: every worker's DataConverter is {@code
 * CodecDataConverter(DefaultDataConverter, [TinkPayloadCodec])} over keys generated per run (K0
 * oldest, K1 current, K2 newest), given to its WorkflowClient and to its NexusSecurity.
 *
 * <p>Compatible pairs work and keep every payload encrypted in both namespaces' histories. A
 * definite mismatch (the caller encrypts with a key the handler lacks, the handler has no codec,
 * the handler encrypts results with a key the caller lacks) is denied by the handler before the
 * input is decoded, with a non-retryable BAD_REQUEST naming the key or codec and the fix, so the
 * caller's operation fails at once: its workflow ends far below the operation's 30 s
 * schedule-to-close timeout and its failure holds no {@code TimeoutFailure}. A control with the
 * handler's check off shows the second line of defence: the handler's codec refuses the input it
 * cannot decrypt, and the interceptor denies the start at once (INPUT_NOT_BOUND naming the codec's
 * reason and the key) instead of the SDK reporting a retryable internal error until the timeout.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Execution(ExecutionMode.SAME_THREAD)
@Timeout(60)
class ConverterCompatibilityOnServerTest {
  @RegisterExtension static final NexusSecurityExtension NEXUS = ConverterTestBed.extension();

  /** Handler {K1*}: the caller's keyset. */
  private static final String SAME_KEYSET = "same-keyset";

  /** Handler {K0, K1*}: the caller's key plus an older one. */
  private static final String SUPERSET = "superset";

  /** Handler {K1, K2*}: has promoted K2, which a {K1*} caller lacks. */
  private static final String HANDLER_PROMOTED = "handler-promoted";

  /** Handler with the SDK's plain DefaultDataConverter, given to NexusSecurity too. */
  private static final String NO_CODEC = "no-codec";

  /** Handler with the plain DefaultDataConverter in its client only; NexusSecurity derives it. */
  private static final String NO_CODEC_DERIVED = "no-codec-derived";

  /** Handler {K1*} with the converter check off: the control. */
  private static final String UNCHECKED = "unchecked";

  /** Generous, so that a fast failure is clearly not a timeout. */
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  /** A fast failure must end the caller's workflow well before this. */
  private static final Duration FAST = Duration.ofSeconds(10);

  /** The control's timeout: short, since the control always runs into it. */
  private static final Duration CONTROL_TIMEOUT = Duration.ofSeconds(3);

  private static final String ENCRYPTED = "binary/encrypted";
  private static final String KEY_ID_METADATA = "nexus-security-key-id";

  private EncryptionKeys keys;
  private ConverterTestBed bed;
  private AuditLog audit;

  /** A caller {K1*}. */
  private Caller current;

  private DataConverter currentConverter;

  /** A caller {K1, K2*} that has promoted K2. */
  private Caller promoted;

  /** A caller with the SDK's plain DefaultDataConverter. */
  private Caller unencrypted;

  @BeforeAll
  void start(NexusSecurityTestEnvironment env) {
    keys = EncryptionKeys.generate();
    bed = ConverterTestBed.start(env);
    audit = bed.audit();
    currentConverter = keys.converter(K1, K1);
    DataConverter withOlder = keys.converter(K1, K0, K1);
    DataConverter promotedConverter = keys.converter(K2, K1, K2);
    DataConverter plain = DefaultDataConverter.newDefaultInstance();
    DataConverter handlerCurrent = keys.converter(K1, K1);

    bed.addHandler(SAME_KEYSET, handlerCurrent, o -> o.setDataConverter(handlerCurrent));
    bed.addHandler(SUPERSET, withOlder, o -> o.setDataConverter(withOlder));
    DataConverter handlerPromoted = keys.converter(K2, K1, K2);
    bed.addHandler(HANDLER_PROMOTED, handlerPromoted, o -> o.setDataConverter(handlerPromoted));
    bed.addHandler(NO_CODEC, plain, o -> o.setDataConverter(plain));
    bed.addHandler(NO_CODEC_DERIVED, plain, o -> o);
    bed.addHandler(
        UNCHECKED,
        handlerCurrent,
        o -> o.setDataConverter(handlerCurrent).setCheckConverterCompatibility(false));

    current = bed.addCaller("caller-current-tq", currentConverter);
    promoted = bed.addCaller("caller-promoted-tq", promotedConverter);
    unencrypted = bed.addCaller("caller-plain-tq", plain);
  }

  // ---------------------------------------------------------------- compatible pairs

  @Test
  void sameKeyset_syncOperation_works_andInputAndResultAreEncryptedInCallerHistory() {
    int mark = audit.mark();
    String input = uniqueId("same-sync");
    String workflowId = uniqueId("wf");

    String result = current.call(workflowId, SAME_KEYSET, "echo", input, TIMEOUT);

    assertThat(result).isEqualTo("echo " + input + " from " + HANDLER_NS);
    assertThat(HandlerInvocations.of(input)).containsExactly("echo");
    List<HistoryEvent> caller = bed.history(CALLER_NS, workflowId);
    Payload scheduledInput =
        single(caller, EventType.EVENT_TYPE_NEXUS_OPERATION_SCHEDULED)
            .getNexusOperationScheduledEventAttributes()
            .getInput();
    assertEncryptedWith(scheduledInput, K1, input);
    assertThat(currentConverter.fromPayload(scheduledInput, String.class, String.class))
        .as("the stored input is the caller's value, encrypted")
        .isEqualTo(input);
    assertEncryptedWith(
        single(caller, EventType.EVENT_TYPE_NEXUS_OPERATION_COMPLETED)
            .getNexusOperationCompletedEventAttributes()
            .getResult(),
        K1,
        result);
    assertThat(audit.since(mark, Side.HANDLER))
        .extracting(AccessDecisionEvent::getReason)
        .containsExactly(ReasonCode.ALLOWED);
  }

  @Test
  void sameKeyset_workflowRunOperation_works_andPayloadsAreEncryptedInBothHistories() {
    String input = uniqueId("same-run");
    String workflowId = uniqueId("wf");

    String result = current.call(workflowId, SAME_KEYSET, "runWorkflow", input, TIMEOUT);

    assertThat(result).isEqualTo("workflow " + input + " in " + HANDLER_NS);
    assertThat(HandlerInvocations.of(input)).containsExactly("runWorkflow", "Quick");
    List<HistoryEvent> caller = bed.history(CALLER_NS, workflowId);
    assertEncryptedWith(
        single(caller, EventType.EVENT_TYPE_NEXUS_OPERATION_SCHEDULED)
            .getNexusOperationScheduledEventAttributes()
            .getInput(),
        K1,
        input);
    assertEncryptedWith(
        single(caller, EventType.EVENT_TYPE_NEXUS_OPERATION_COMPLETED)
            .getNexusOperationCompletedEventAttributes()
            .getResult(),
        K1,
        result);
    List<HistoryEvent> handler = bed.history(HANDLER_NS, HandlerWorkflows.quickId(input));
    assertEncryptedWith(
        single(handler, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED)
            .getWorkflowExecutionStartedEventAttributes()
            .getInput()
            .getPayloads(0),
        K1,
        input);
    assertEncryptedWith(
        single(handler, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED)
            .getWorkflowExecutionCompletedEventAttributes()
            .getResult()
            .getPayloads(0),
        K1,
        result);
  }

  @ParameterizedTest
  @ValueSource(strings = {"echo", "runWorkflow"})
  void handlerHoldingCallersKeyPlusAnOlderOne_works(String operation) {
    String input = uniqueId("superset-" + operation);

    String result = current.call(uniqueId("wf"), SUPERSET, operation, input, TIMEOUT);

    assertThat(result)
        .isEqualTo(
            operation.equals("echo")
                ? "echo " + input + " from " + HANDLER_NS
                : "workflow " + input + " in " + HANDLER_NS);
  }

  // ---------------------------------------------------------------- definite mismatches

  @ParameterizedTest
  @ValueSource(strings = {"echo", "runWorkflow"})
  void
      callerEncryptingWithKeyHandlerLacks_failsAtOnceWithEncryptionKeyUnavailable_beforeHandlerCode(
          String operation) {
    int mark = audit.mark();
    String input = uniqueId("caller-promoted-" + operation);
    String workflowId = uniqueId("wf");

    Throwable failure =
        catchThrowable(() -> promoted.call(workflowId, SAME_KEYSET, operation, input, TIMEOUT));

    assertDenied(failure, ReasonCode.ENCRYPTION_KEY_UNAVAILABLE, Side.HANDLER);
    assertThat(AccessDenials.reasonOf(failure)).contains(ReasonCode.ENCRYPTION_KEY_UNAVAILABLE);
    String message = denialMessage(failure);
    assertThat(message)
        .contains("the caller encrypts the operation input with key id '" + keys.keyId(K2) + "'")
        .contains("which the handler cannot decrypt: it holds [" + keys.keyId(K1) + "]")
        .contains("add that key to the handler's keyset");
    assertFailedFast(workflowId);
    assertThat(HandlerInvocations.count(input)).as("handler code never ran").isZero();
    assertThat(bed.workflowExists(HANDLER_NS, HandlerWorkflows.quickId(input))).isFalse();
    for (Throwable t : chain(failure)) {
      for (byte[] secret : keys.secretKeyBytes()) {
        for (String form : encodings(secret)) {
          assertThat(String.valueOf(t.getMessage())).as("no key material").doesNotContain(form);
        }
      }
    }
    assertThat(audit.since(mark, Side.HANDLER))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getAction()).isEqualTo(AccessDecisionEvent.Action.START_OR_CANCEL);
              assertThat(e.getReason()).isEqualTo(ReasonCode.ENCRYPTION_KEY_UNAVAILABLE);
              assertThat(e.getCallerNamespace()).isEqualTo(CALLER_NS);
              assertThat(e.getDetail()).contains(keys.keyId(K2));
            });
  }

  @ParameterizedTest
  @ValueSource(strings = {NO_CODEC, NO_CODEC_DERIVED})
  void handlerWithoutTheCodec_failsAtOnceWithCodecMissing_beforeHandlerCode(String endpoint) {
    String input = uniqueId("no-codec");
    String workflowId = uniqueId("wf");

    Throwable failure =
        catchThrowable(() -> current.call(workflowId, endpoint, "echo", input, TIMEOUT));

    assertDenied(failure, ReasonCode.CODEC_MISSING, Side.HANDLER);
    assertThat(denialMessage(failure))
        .contains(
            "the caller encodes the operation input with codec '"
                + TinkPayloadCodec.CODEC_ID
                + "', which the handler's DataConverter does not have")
        .contains("add the same codec to the handler worker's DataConverter");
    assertFailedFast(workflowId);
    assertThat(HandlerInvocations.count(input)).as("handler code never ran").isZero();
  }

  @Test
  void callerWithoutTheCodec_failsAtOnceWithCodecMissing_sinceTheHandlersCodecRejectsPlaintext() {
    String input = uniqueId("caller-plain");
    String workflowId = uniqueId("wf");

    Throwable failure =
        catchThrowable(() -> unencrypted.call(workflowId, SAME_KEYSET, "echo", input, TIMEOUT));

    assertDenied(failure, ReasonCode.CODEC_MISSING, Side.HANDLER);
    assertThat(denialMessage(failure))
        .contains(
            "the handler's codec '"
                + TinkPayloadCodec.CODEC_ID
                + "' rejects payloads it did not encode, and the caller's DataConverter does not"
                + " have it")
        .contains("add the same codec to the caller worker's DataConverter");
    assertFailedFast(workflowId);
    assertThat(HandlerInvocations.count(input)).as("handler code never ran").isZero();
  }

  @Test
  void handlerEncryptingResultsWithKeyCallerLacks_isDeniedAtStart_namingTheResultDirection() {
    String input = uniqueId("handler-promoted");
    String workflowId = uniqueId("wf");

    Throwable failure =
        catchThrowable(
            () -> current.call(workflowId, HANDLER_PROMOTED, "runWorkflow", input, TIMEOUT));

    assertDenied(failure, ReasonCode.ENCRYPTION_KEY_UNAVAILABLE, Side.HANDLER);
    assertThat(denialMessage(failure))
        .contains("the handler encrypts results and failures with key id '" + keys.keyId(K2) + "'")
        .contains("which the caller cannot decrypt: it holds [" + keys.keyId(K1) + "]")
        .contains("add that key to the caller's keyset")
        .as("no fix that points the wrong way")
        .doesNotContain("to the handler's keyset");
    assertFailedFast(workflowId);
    assertThat(HandlerInvocations.count(input))
        .as("no handler workflow was started whose result the caller could never read")
        .isZero();
    assertThat(bed.workflowExists(HANDLER_NS, HandlerWorkflows.quickId(input))).isFalse();
  }

  // ---------------------------------------------------------------- control

  @Test
  void control_withTheHandlersCheckOff_keyMismatch_isStillDeniedAtOnce_byTheCodecsRefusal() {
    String input = uniqueId("unchecked");
    String workflowId = uniqueId("wf");

    // Without the converter check the handler's codec meets the input it cannot decrypt; it does
    // not fail the request retryably (the caller would only see its schedule-to-close timeout) but
    // records the refusal, and the handler's interceptor denies the start before handler code
    // with the reason that names the missing key.
    Throwable failure =
        catchThrowable(() -> promoted.call(workflowId, UNCHECKED, "echo", input, CONTROL_TIMEOUT));

    assertDenied(failure, ReasonCode.ENCRYPTION_KEY_UNAVAILABLE, Side.HANDLER);
    assertThat(denialMessage(failure))
        .contains("codec refused the input (UNKNOWN_KEY)")
        .contains(keys.keyId(K2));
    assertThat(chain(failure))
        .as("a denial, not a timeout")
        .noneMatch(TimeoutFailure.class::isInstance);
    assertThat(HandlerInvocations.count(input)).isZero();
    assertFailedFast(workflowId);
  }

  // ---------------------------------------------------------------- the header

  @Test
  void fingerprintHeader_carriesKeyIdsButNoKeyMaterial_andArrivesUnchanged() throws Exception {
    String input = uniqueId("header");
    String workflowId = uniqueId("wf");

    String result = promoted.call(workflowId, HANDLER_PROMOTED, "echo", input, TIMEOUT);

    assertThat(result).isEqualTo("echo " + input + " from " + HANDLER_NS);
    Map<String, String> sent =
        single(bed.history(CALLER_NS, workflowId), EventType.EVENT_TYPE_NEXUS_OPERATION_SCHEDULED)
            .getNexusOperationScheduledEventAttributes()
            .getNexusHeaderMap();
    String header = sent.get(ConverterFingerprint.HEADER);
    assertThat(header).as("the fingerprint header stored in the caller's history").isNotNull();
    Map<String, String> received =
        bed.headersReceivedVia(HANDLER_PROMOTED).received().stream()
            .filter(
                h ->
                    sent.get(NexusSecurity.IDENTITY_HEADER)
                        .equals(h.get(NexusSecurity.IDENTITY_HEADER)))
            .findFirst()
            .orElseThrow(() -> new AssertionError("the handler never received this call"));
    assertThat(received.get(ConverterFingerprint.HEADER))
        .as("the handler received it unchanged")
        .isEqualTo(header);

    // Read with Jackson, independently of the library's own parser.
    JsonNode root = new ObjectMapper().readTree(header);
    assertThat(root.get("v").asInt()).isEqualTo(1);
    List<String> encodings = new ArrayList<>();
    root.get("enc").forEach(n -> encodings.add(n.asText()));
    // DefaultDataConverter's payload converters in SDK 1.38, in order.
    assertThat(encodings)
        .containsExactly(
            "binary/null", "binary/plain", "json/protobuf", "binary/protobuf", "json/plain");
    assertThat(root.get("codecs")).hasSize(1);
    JsonNode codec = root.get("codecs").get(0);
    assertThat(codec.get("id").asText()).isEqualTo(TinkPayloadCodec.CODEC_ID);
    assertThat(codec.get("ek").asText()).isEqualTo(keys.keyId(K2));
    List<String> decryptable = new ArrayList<>();
    codec.get("dk").forEach(n -> decryptable.add(n.asText()));
    assertThat(decryptable).containsExactlyInAnyOrder(keys.keyId(K1), keys.keyId(K2));
    assertThat(codec.get("strict").asBoolean()).as("rejects plaintext").isTrue();

    for (byte[] secret : keys.secretKeyBytes()) {
      for (String form : encodings(secret)) {
        for (Map.Entry<String, String> h : sent.entrySet()) {
          assertThat(h.getValue())
              .as("Nexus header %s holds no key material", h.getKey())
              .doesNotContain(form);
        }
      }
    }
  }

  // ---------------------------------------------------------------- helpers

  /** The ways key bytes could be written into text. */
  private static List<String> encodings(byte[] secret) {
    String hex = HexFormat.of().formatHex(secret);
    return List.of(
        Base64.getEncoder().encodeToString(secret),
        Base64.getEncoder().withoutPadding().encodeToString(secret),
        Base64.getUrlEncoder().withoutPadding().encodeToString(secret),
        hex,
        hex.toUpperCase(Locale.ROOT));
  }

  private void assertEncryptedWith(Payload payload, int key, String plaintext) {
    assertThat(payload.getMetadataOrThrow("encoding").toStringUtf8()).isEqualTo(ENCRYPTED);
    assertThat(payload.getMetadataOrThrow(KEY_ID_METADATA).toStringUtf8())
        .isEqualTo(Integer.toUnsignedString(keys.tinkId(key)));
    assertThat(indexOf(payload.toByteArray(), plaintext.getBytes(StandardCharsets.UTF_8)))
        .as("the plaintext appears nowhere in the stored payload")
        .isEqualTo(-1);
  }

  /** The caller's workflow failed well before the operation's timeout could have ended it. */
  private void assertFailedFast(String workflowId) {
    Duration elapsed = startToFailure(workflowId);
    assertThat(elapsed).as("workflow start to failure").isLessThan(FAST);
    System.out.printf(
        "fast failure: the caller's workflow %s failed %d ms after it started%n",
        workflowId, elapsed.toMillis());
  }

  /** From the caller workflow's start to its failure, by the server's event times. */
  private Duration startToFailure(String workflowId) {
    List<HistoryEvent> events = bed.history(CALLER_NS, workflowId);
    Timestamp started =
        single(events, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED).getEventTime();
    Timestamp failed =
        single(events, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED).getEventTime();
    return Duration.ofSeconds(failed.getSeconds(), failed.getNanos())
        .minus(Duration.ofSeconds(started.getSeconds(), started.getNanos()));
  }

  /** The message of the denial's ApplicationFailure (the handler's text, without wrappers). */
  private static String denialMessage(Throwable failure) {
    return chain(failure).stream()
        .map(Throwable::getMessage)
        .filter(m -> m != null && m.contains("nexus-security DENIED"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no denial message in " + failure));
  }

  private static HistoryEvent single(List<HistoryEvent> events, EventType type) {
    List<HistoryEvent> matching = events.stream().filter(e -> e.getEventType() == type).toList();
    assertThat(matching).as("%s events", type).hasSize(1);
    return matching.get(0);
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
