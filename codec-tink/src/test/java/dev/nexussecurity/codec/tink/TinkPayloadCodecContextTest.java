package dev.nexussecurity.codec.tink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.crypto.tink.KeysetHandle;
import com.google.protobuf.ByteString;
import dev.nexussecurity.api.AccessDecision;
import dev.nexussecurity.api.EndpointRegistry;
import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.api.PayloadBinding;
import dev.nexussecurity.api.PayloadBinding.Direction;
import dev.nexussecurity.api.PayloadBindings;
import dev.nexussecurity.api.PayloadProtection;
import dev.nexussecurity.codec.tink.PayloadDecryptionException.Reason;
import dev.nexussecurity.core.internal.keys.TinkKeysets;
import dev.nexussecurity.core.keys.KeyDirectory;
import dev.nexussecurity.core.keys.KeysetSource;
import dev.nexussecurity.core.keys.NamespaceKeyDirectory;
import dev.nexussecurity.core.keys.NamespaceKeys;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.payload.codec.PayloadCodec;
import io.temporal.payload.codec.PayloadCodecException;
import io.temporal.payload.context.WorkflowSerializationContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The encryption context of format 2 in every protection mode: what a caller encodes under a call's
 * binding decodes only as that call's payload, in that direction and position, for the parties of
 * the call; everything moved, swapped, replayed or forged is refused with a named reason, and the
 * original still decodes afterwards (nothing lost).
 */
class TinkPayloadCodecContextTest {
  static final NamespaceKeys ORDERS = NamespaceKeys.generate("orders", false);
  static final NamespaceKeys PAYMENTS = NamespaceKeys.generate("payments", false);
  static final NamespaceKeys EVIL = NamespaceKeys.generate("evil", false);
  static final KeyDirectory DIRECTORY =
      NamespaceKeyDirectory.newBuilder()
          .put(ORDERS.toPublicKeys())
          .put(PAYMENTS.toPublicKeys())
          .put(EVIL.toPublicKeys())
          .build();
  static final KeysetHandle SHARED = TestKeysets.aes256Gcm();

  static final PayloadBinding CHARGE =
      PayloadBinding.newBuilder()
          .setDirection(Direction.INPUT)
          .setBindingId("token-1")
          .setCallerNamespace("orders")
          .setHandlerNamespace("payments")
          .setEndpoint("payments")
          .setService("PaymentsService")
          .setOperation("charge")
          .build();

  @AfterEach
  void clearBindings() {
    PayloadBindings.clear();
  }

  static TinkPayloadCodec codec(NamespaceKeys own, PayloadProtection protection) {
    return codec(own, DIRECTORY, PayloadKeyPolicy.of(protection));
  }

  static TinkPayloadCodec codec(NamespaceKeys own, KeyDirectory dir, PayloadKeyPolicy policy) {
    return TinkPayloadCodec.newBuilder()
        .addSharedKeyset("shared", KeysetSource.fromKeysetHandle(SHARED))
        .setNamespaceKeys(own)
        .setKeyDirectory(dir)
        .setKeyPolicy(policy)
        .build();
  }

  static Stream<PayloadProtection> modes() {
    return Stream.of(
        PayloadProtection.shared("shared"),
        PayloadProtection.pairwise(),
        PayloadProtection.hpke(),
        PayloadProtection.authenticated());
  }

  static List<Payload> values(Object... values) {
    List<Payload> out = new ArrayList<>();
    for (Object v : values) {
      out.add(DefaultDataConverter.STANDARD_INSTANCE.toPayload(v).orElseThrow());
    }
    return out;
  }

  static <T> T under(PayloadBinding binding, Supplier<T> action) {
    PayloadBinding previous = PayloadBindings.set(binding);
    try {
      return action.get();
    } finally {
      PayloadBindings.restore(previous);
    }
  }

  static List<Payload> callerSends(
      PayloadProtection mode, PayloadBinding binding, List<Payload> p) {
    TinkPayloadCodec caller = codec(ORDERS, mode);
    return under(binding, () -> caller.encode(p));
  }

  static PayloadDecryptionException handlerRefuses(
      PayloadProtection mode, PayloadBinding binding, List<Payload> encoded) {
    return refusedInput(codec(PAYMENTS, mode), binding, encoded);
  }

  /**
   * Decodes {@code encoded} as the input of {@code binding} on the handler and returns the refusal:
   * on the handler's side of an INPUT binding the codec does not throw but records the refusal for
   * the interceptor and lets the input decode to null; returned here as the exception it stands
   * for.
   */
  static PayloadDecryptionException refusedInput(
      TinkPayloadCodec handler, PayloadBinding binding, List<Payload> encoded) {
    PayloadBindings.set(binding);
    try {
      List<Payload> decoded = handler.decode(encoded);
      assertThat(decoded)
          .as("a refused input decodes to null payloads only")
          .hasSize(encoded.size())
          .allSatisfy(p -> assertThat(meta(p, "encoding")).isEqualTo("binary/null"))
          .allSatisfy(p -> assertThat(p.getData().isEmpty()).isTrue());
      assertThat(PayloadBindings.takeVerifiedInput(binding.getBindingId()))
          .as("a refused input is never recorded as verified")
          .isFalse();
      PayloadBindings.RejectedInput r =
          PayloadBindings.takeRejectedInput(binding.getBindingId())
              .orElseThrow(() -> new AssertionError("the refusal was not recorded"));
      return new PayloadDecryptionException(
          Reason.valueOf(r.getReasonName()), null, null, r.getDetail(), null);
    } catch (PayloadDecryptionException e) {
      assertThat(PayloadBindings.takeVerifiedInput(binding.getBindingId()))
          .as("a refused input is never recorded as verified")
          .isFalse();
      return e;
    } finally {
      PayloadBindings.clear();
    }
  }

  @Test
  void refusedInput_onTheHandler_decodesToNullForAnyType_andRecordsTheReason() {
    List<Payload> encoded =
        callerSends(PayloadProtection.pairwise(), CHARGE, values("order-42", 1999));
    PayloadBinding refund = CHARGE.toBuilder().setOperation("refund").build();
    TinkPayloadCodec handler = codec(PAYMENTS, PayloadProtection.pairwise());

    List<Payload> decoded = under(refund, () -> handler.decode(encoded));

    assertThat(
            DefaultDataConverter.STANDARD_INSTANCE.fromPayload(
                decoded.get(0), String.class, String.class))
        .isNull();
    assertThat(
            DefaultDataConverter.STANDARD_INSTANCE.fromPayload(
                decoded.get(1), Integer.class, Integer.class))
        .isNull();
    assertThat(PayloadBindings.takeVerifiedInput("token-1")).isFalse();
    PayloadBindings.RejectedInput r = PayloadBindings.takeRejectedInput("token-1").orElseThrow();
    assertThat(r.getReasonName()).isEqualTo("CONTEXT_MISMATCH");
    assertThat(r.getDetail()).contains("operation").contains("charge");
  }

  @Test
  void refusedInput_withoutTheInterceptorsInputBinding_stillThrows() {
    List<Payload> encoded = callerSends(PayloadProtection.pairwise(), CHARGE, values("order-42"));
    TinkPayloadCodec handler = codec(PAYMENTS, PayloadProtection.pairwise());
    PayloadBinding result = CHARGE.withDirection(Direction.RESULT);

    // no binding (a client or codec server): whatever authenticates, so tamper with it
    Payload tampered =
        WireFields.withContextField(encoded.get(0), "nexus-security-operation", "refund");
    assertThat(
            catchThrowableOfType(
                    PayloadDecryptionException.class, () -> handler.decode(List.of(tampered)))
                .getReason())
        .isEqualTo(Reason.AUTHENTICATION_FAILED);
    // a RESULT binding (not an input): thrown too
    assertThat(
            catchThrowableOfType(
                    PayloadDecryptionException.class,
                    () -> under(result, () -> handler.decode(encoded)))
                .getReason())
        .isEqualTo(Reason.CONTEXT_MISMATCH);
    assertThat(PayloadBindings.takeRejectedInput("token-1")).isEmpty();
  }

  static String meta(Payload p, String key) {
    return p.containsMetadata(key)
        ? p.getMetadataOrThrow(key).toStringUtf8()
        : WireFields.get(p, key);
  }

  @ParameterizedTest
  @MethodSource("modes")
  void input_boundToTheCall_decodesOnTheHandler_andIsRecordedAsVerified(PayloadProtection mode) {
    List<Payload> original = values("order-42", 1999);
    List<Payload> encoded = callerSends(mode, CHARGE, original);

    assertThat(meta(encoded.get(0), "nexus-security-direction")).isEqualTo("INPUT");
    assertThat(meta(encoded.get(1), "nexus-security-position")).isEqualTo("1/2");
    assertThat(meta(encoded.get(0), "nexus-security-binding")).isEqualTo("token-1");
    assertThat(meta(encoded.get(0), "nexus-security-operation")).isEqualTo("charge");

    TinkPayloadCodec handler = codec(PAYMENTS, mode);
    PayloadBindings.set(CHARGE);
    assertThat(handler.decode(encoded)).isEqualTo(original);
    assertThat(PayloadBindings.takeVerifiedInput("token-1")).isTrue();
  }

  @ParameterizedTest
  @MethodSource("modes")
  void result_encodedByTheHandler_decodesOnTheCaller_withoutKnowingTheKeyInAdvance(
      PayloadProtection mode) {
    TinkPayloadCodec handler = codec(PAYMENTS, mode);
    List<Payload> result = values("charged");
    List<Payload> encoded =
        under(CHARGE.withDirection(Direction.RESULT), () -> handler.encode(result));
    assertThat(meta(encoded.get(0), "nexus-security-direction")).isEqualTo("RESULT");

    // the caller's decoder holds a different policy: decoding needs none
    TinkPayloadCodec caller = codec(ORDERS, PayloadProtection.shared("shared"));
    assertThat(caller.decode(encoded)).isEqualTo(result);
  }

  @ParameterizedTest
  @MethodSource("modes")
  void swappedArguments_areRefusedAsContextMismatch_andTheOriginalStillDecodes(
      PayloadProtection mode) {
    List<Payload> encoded = callerSends(mode, CHARGE, values("from", "to"));
    List<Payload> swapped = List.of(encoded.get(1), encoded.get(0));

    PayloadDecryptionException e = handlerRefuses(mode, CHARGE, swapped);

    assertThat(e.getReason()).isEqualTo(Reason.CONTEXT_MISMATCH);
    assertThat(e).hasMessageContaining("position 1/2").hasMessageContaining("swapped");
    assertThat(e).hasMessageContaining(Reason.CONTEXT_MISMATCH.getHint());
    PayloadBindings.set(CHARGE);
    assertThat(codec(PAYMENTS, mode).decode(encoded)).isEqualTo(values("from", "to"));
  }

  @Test
  void codecServer_withoutPositionChecks_decodesPayloadsOneAtATime_butStillAuthenticatesThem() {
    List<Payload> encoded = callerSends(PayloadProtection.pairwise(), CHARGE, values("a", "b"));
    TinkPayloadCodec server =
        TinkPayloadCodec.newBuilder()
            .setNamespaceKeys(PAYMENTS)
            .setKeyDirectory(DIRECTORY)
            .setCheckPositions(false)
            .build();

    assertThat(server.decode(List.of(encoded.get(1)))).isEqualTo(values("b"));
    Payload relabeled = WireFields.with(encoded.get(1), "nexus-security-position", "0/1");
    assertThat(
            catchThrowableOfType(
                    PayloadDecryptionException.class, () -> server.decode(List.of(relabeled)))
                .getReason())
        .isEqualTo(Reason.AUTHENTICATION_FAILED);
  }

  @ParameterizedTest
  @MethodSource("modes")
  void droppedArgument_isRefused(PayloadProtection mode) {
    List<Payload> encoded = callerSends(mode, CHARGE, values("a", "b"));

    assertThat(handlerRefuses(mode, CHARGE, List.of(encoded.get(0))).getReason())
        .isEqualTo(Reason.CONTEXT_MISMATCH);
  }

  @ParameterizedTest
  @MethodSource("modes")
  void inputMovedToAnotherOperation_isRefusedNamingTheOperation(PayloadProtection mode) {
    List<Payload> encoded = callerSends(mode, CHARGE, values("order-42"));
    PayloadBinding refund = CHARGE.toBuilder().setOperation("refund").build();

    PayloadDecryptionException e = handlerRefuses(mode, refund, encoded);

    assertThat(e.getReason()).isEqualTo(Reason.CONTEXT_MISMATCH);
    assertThat(e).hasMessageContaining("operation").hasMessageContaining("charge");
  }

  @ParameterizedTest
  @MethodSource("modes")
  void inputReplayedUnderAnotherBindingId_isRefused(PayloadProtection mode) {
    List<Payload> encoded = callerSends(mode, CHARGE, values("order-42"));
    PayloadBinding otherToken = CHARGE.toBuilder().setBindingId("token-2").build();

    PayloadDecryptionException e = handlerRefuses(mode, otherToken, encoded);

    assertThat(e.getReason()).isEqualTo(Reason.CONTEXT_MISMATCH);
    assertThat(e).hasMessageContaining("binding id");
  }

  @ParameterizedTest
  @MethodSource("modes")
  void resultMovedToTheInputDirection_isRefused(PayloadProtection mode) {
    TinkPayloadCodec handler = codec(PAYMENTS, mode);
    List<Payload> result =
        under(CHARGE.withDirection(Direction.RESULT), () -> handler.encode(values("charged")));

    PayloadDecryptionException e = handlerRefuses(mode, CHARGE, result);

    if (mode.getMode() == PayloadProtection.Mode.HPKE) {
      // addressed to the caller's namespace: the handler cannot even open it
      assertThat(e.getReason()).isEqualTo(Reason.UNKNOWN_KEY);
      assertThat(e).hasMessageContaining("addressed to namespace 'orders'");
    } else {
      assertThat(e.getReason()).isEqualTo(Reason.CONTEXT_MISMATCH);
      assertThat(e).hasMessageContaining("direction");
    }
  }

  @ParameterizedTest
  @MethodSource("modes")
  void boundPayload_isRefusedWhereOnlyContextFreePayloadsAreExpected(PayloadProtection mode) {
    List<Payload> encoded = callerSends(mode, CHARGE, values("order-42"));
    PayloadCodec workflowData =
        codec(PAYMENTS, mode).withContext(new WorkflowSerializationContext("payments", "wf-1"));

    PayloadDecryptionException e =
        catchThrowableOfType(PayloadDecryptionException.class, () -> workflowData.decode(encoded));

    assertThat(e.getReason()).isEqualTo(Reason.CONTEXT_MISMATCH);
    assertThat(e).hasMessageContaining("bound to a Nexus call");
  }

  @ParameterizedTest
  @MethodSource("modes")
  void contextFreePayload_isRefusedAsANexusInput(PayloadProtection mode) {
    // a workflow argument written by the handler namespace itself, fed as a Nexus input
    TinkPayloadCodec handler = codec(PAYMENTS, mode);
    List<Payload> unbound = handler.encode(values("order-42"));
    assertThat(meta(unbound.get(0), "nexus-security-direction")).isEqualTo("NONE");

    PayloadDecryptionException e = handlerRefuses(mode, CHARGE, unbound);

    assertThat(e.getReason()).isEqualTo(Reason.CONTEXT_MISMATCH);
    assertThat(e).hasMessageContaining("context-free");
  }

  @ParameterizedTest
  @MethodSource("modes")
  void relabelingTheContextMetadata_failsAuthentication(PayloadProtection mode) {
    List<Payload> encoded = callerSends(mode, CHARGE, values("order-42"));
    Payload relabeled = WireFields.with(encoded.get(0), "nexus-security-operation", "refund");
    PayloadBinding refund = CHARGE.toBuilder().setOperation("refund").build();

    assertThat(handlerRefuses(mode, refund, List.of(relabeled)).getReason())
        .isEqualTo(Reason.AUTHENTICATION_FAILED);
  }

  @Test
  void pairwiseInput_cannotBeDecryptedByAThirdNamespaceHoldingItsOwnKeys() {
    List<Payload> encoded = callerSends(PayloadProtection.pairwise(), CHARGE, values("secret"));
    TinkPayloadCodec evil = codec(EVIL, PayloadProtection.pairwise());

    PayloadDecryptionException e =
        catchThrowableOfType(PayloadDecryptionException.class, () -> evil.decode(encoded));

    assertThat(e.getReason()).isEqualTo(Reason.UNKNOWN_KEY);
    assertThat(e).hasMessageContaining("'evil'").hasMessageContaining("neither the sender");
  }

  @Test
  void hpkeInput_cannotBeDecryptedByAnotherNamespace_norByItsSender() {
    List<Payload> encoded = callerSends(PayloadProtection.hpke(), CHARGE, values("secret"));

    for (NamespaceKeys other : List.of(EVIL, ORDERS)) {
      PayloadDecryptionException e =
          catchThrowableOfType(
              PayloadDecryptionException.class,
              () -> codec(other, PayloadProtection.hpke()).decode(encoded));
      assertThat(e.getReason()).isEqualTo(Reason.UNKNOWN_KEY);
      assertThat(e).hasMessageContaining("addressed to namespace 'payments'");
    }
  }

  @Test
  void pairwiseInput_isReadableByBothParties_inTheirOwnHistories() {
    List<Payload> encoded = callerSends(PayloadProtection.pairwise(), CHARGE, values("secret"));

    assertThat(codec(ORDERS, PayloadProtection.pairwise()).decode(encoded))
        .isEqualTo(values("secret"));
    assertThat(codec(PAYMENTS, PayloadProtection.pairwise()).decode(encoded))
        .isEqualTo(values("secret"));
  }

  @Test
  void forgedInput_claimingAnotherCaller_failsAuthentication() {
    PayloadBinding evilCall = CHARGE.toBuilder().setCallerNamespace("evil").build();
    for (PayloadProtection mode :
        List.of(PayloadProtection.pairwise(), PayloadProtection.authenticated())) {
      TinkPayloadCodec evil = codec(EVIL, mode);
      Payload fromEvil = under(evilCall, () -> evil.encode(values("refund-all"))).get(0);
      // claim the caller namespace and its real key id: only the key material differs
      String recipientKey = meta(fromEvil, "nexus-security-key-id").split(":")[1];
      Payload posingAsOrders =
          WireFields.with(
              WireFields.with(fromEvil, "nexus-security-caller", "orders"),
              "nexus-security-key-id",
              Integer.toUnsignedString(ORDERS.getAgreementKeys().getPrimary().getId())
                  + ":"
                  + recipientKey);

      assertThat(handlerRefuses(mode, CHARGE, List.of(posingAsOrders)).getReason())
          .as(mode.toString())
          .isEqualTo(Reason.AUTHENTICATION_FAILED);
    }
  }

  @Test
  void workerOfAnotherNamespace_cannotEncodeAsTheCaller() {
    TinkPayloadCodec evil = codec(EVIL, PayloadProtection.pairwise());

    assertThatThrownBy(() -> under(CHARGE, () -> evil.encode(values("x"))))
        .isInstanceOf(PayloadCodecException.class)
        .hasMessageContaining("'evil' is not the sender 'orders'");
  }

  @Test
  void revokedCallerKey_isRefusedAsRevoked_whileTheSameKeyStillDecodesBeforeRevocation()
      throws Exception {
    List<Payload> encoded = callerSends(PayloadProtection.pairwise(), CHARGE, values("x"));
    int ordersKey = ORDERS.getAgreementKeys().getPrimary().getId();
    // orders rotated to a new key and revoked the old one
    KeysetHandle rotated =
        TinkKeysets.withNewKey(ORDERS.getAgreementKeys(), TinkKeysets.Kind.AGREEMENT, true);
    NamespaceKeys ordersRotated =
        NamespaceKeys.newBuilder("orders").setAgreementKeys(rotated).build();
    KeyDirectory revoked =
        NamespaceKeyDirectory.newBuilder()
            .put(ordersRotated.toPublicKeys().toBuilder().addRevokedKeyId(ordersKey).build())
            .put(PAYMENTS.toPublicKeys())
            .build();
    TinkPayloadCodec handler =
        codec(PAYMENTS, revoked, PayloadKeyPolicy.of(PayloadProtection.pairwise()));

    PayloadDecryptionException e = refusedInput(handler, CHARGE, encoded);

    assertThat(e.getReason()).isEqualTo(Reason.REVOKED_KEY);
    assertThat(e)
        .hasMessageContaining(Integer.toUnsignedString(ordersKey))
        .hasMessageContaining("'orders'")
        .hasMessageContaining("revoked");
    assertThat(codec(PAYMENTS, PayloadProtection.pairwise()).decode(encoded))
        .isEqualTo(values("x"));
  }

  @ParameterizedTest
  @MethodSource("pairwiseAndHpke")
  void payloadToTheHandlersOwnKey_revokedInTheDirectory_isRefusedAsRevoked(
      PayloadProtection protection) throws Exception {
    List<Payload> encoded = callerSends(protection, CHARGE, values("x"));
    int paymentsKey = PAYMENTS.getAgreementKeys().getPrimary().getId();
    // payments rotated to a new key and revoked the old one, which its workers still hold
    KeysetHandle rotated =
        TinkKeysets.withNewKey(PAYMENTS.getAgreementKeys(), TinkKeysets.Kind.AGREEMENT, true);
    NamespaceKeys paymentsRotated =
        NamespaceKeys.newBuilder("payments").setAgreementKeys(rotated).build();
    KeyDirectory revoked =
        NamespaceKeyDirectory.newBuilder()
            .put(ORDERS.toPublicKeys())
            .put(paymentsRotated.toPublicKeys().toBuilder().addRevokedKeyId(paymentsKey).build())
            .build();
    TinkPayloadCodec handler = codec(paymentsRotated, revoked, PayloadKeyPolicy.of(protection));

    PayloadDecryptionException e = refusedInput(handler, CHARGE, encoded);

    assertThat(e.getReason()).isEqualTo(Reason.REVOKED_KEY);
    assertThat(e)
        .hasMessageContaining(Integer.toUnsignedString(paymentsKey))
        .hasMessageContaining("'payments'")
        .hasMessageContaining("revoked");
  }

  static Stream<PayloadProtection> pairwiseAndHpke() {
    return Stream.of(PayloadProtection.pairwise(), PayloadProtection.hpke());
  }

  @Test
  void protectionTheHandlerDoesNotAccept_isRefusedOnTheCallerSide_namingBoth() {
    KeyDirectory statesAcceptance =
        NamespaceKeyDirectory.newBuilder()
            .put(ORDERS.toPublicKeys())
            .put(
                PAYMENTS.toPublicKeys().toBuilder()
                    .setPayloadAcceptance(
                        dev.nexussecurity.core.keys.PayloadAcceptance.newBuilder()
                            .setPairwise(true)
                            .build())
                    .build())
            .build();
    TinkPayloadCodec hpkeCaller =
        codec(ORDERS, statesAcceptance, PayloadKeyPolicy.of(PayloadProtection.hpke()));
    TinkPayloadCodec pairwiseCaller =
        codec(ORDERS, statesAcceptance, PayloadKeyPolicy.of(PayloadProtection.pairwise()));

    assertThatThrownBy(() -> under(CHARGE, () -> hpkeCaller.encode(values("x"))))
        .isInstanceOf(PayloadCodecException.class)
        .hasMessageContaining("'payments'")
        .hasMessageContaining("not hpke")
        .hasMessageContaining("endpoint 'payments'");
    assertThat(under(CHARGE, () -> pairwiseCaller.encode(values("x")))).hasSize(1);
  }

  @Test
  void wrongSharedKey_failsAuthentication() {
    List<Payload> encoded =
        callerSends(PayloadProtection.shared("shared"), CHARGE, values("order-42"));
    KeysetHandle sameIdOtherMaterial = TestKeysets.aes256Gcm();
    TinkPayloadCodec impostor =
        TinkPayloadCodec.newBuilder()
            .addSharedKeyset("shared", KeysetSource.fromKeysetHandle(sameIdOtherMaterial))
            .build();

    PayloadDecryptionException e =
        catchThrowableOfType(PayloadDecryptionException.class, () -> impostor.decode(encoded));

    assertThat(e.getReason()).isIn(Reason.UNKNOWN_KEY, Reason.AUTHENTICATION_FAILED);
  }

  @Test
  void authenticatedMode_leavesThePayloadReadable_butDetectsAnyChange() {
    List<Payload> encoded =
        callerSends(PayloadProtection.authenticated(), CHARGE, values("visible-value"));
    Payload p = encoded.get(0);
    assertThat(meta(p, "encoding")).isEqualTo("binary/authenticated");
    assertThat(p.getData().toStringUtf8()).contains("visible-value");

    byte[] data = p.getData().toByteArray();
    data[data.length - 2] ^= 1;
    Payload changed = p.toBuilder().setData(ByteString.copyFrom(data)).build();

    assertThat(
            handlerRefuses(PayloadProtection.authenticated(), CHARGE, List.of(changed)).getReason())
        .isEqualTo(Reason.AUTHENTICATION_FAILED);
  }

  @Test
  void policy_selectsTheProtectionPerEndpointAndService_onBothSides() {
    PayloadKeyPolicy policy =
        PayloadKeyPolicy.newBuilder()
            .setDefault(PayloadProtection.pairwise())
            .setForEndpoint("payments", PayloadProtection.shared("shared"))
            .setForService("payments", "RefundService", PayloadProtection.hpke())
            .setUnbound(PayloadProtection.shared("shared"))
            .build();
    TinkPayloadCodec caller = codec(ORDERS, DIRECTORY, policy);
    PayloadBinding refund = CHARGE.toBuilder().setService("RefundService").build();
    PayloadBinding other = CHARGE.toBuilder().setEndpoint("ledger").build();

    assertThat(meta(under(CHARGE, () -> caller.encode(values(1))).get(0), "nexus-security-scheme"))
        .isEqualTo("tink-aead");
    assertThat(meta(under(refund, () -> caller.encode(values(1))).get(0), "nexus-security-scheme"))
        .isEqualTo("hpke-x25519-aes256gcm");
    assertThat(meta(under(other, () -> caller.encode(values(1))).get(0), "nexus-security-scheme"))
        .isEqualTo("pairwise-aes256gcm");
    assertThat(meta(caller.encode(values(1)).get(0), "nexus-security-scheme"))
        .isEqualTo("tink-aead");
  }

  /** A registry holding one endpoint, "payments", that states {@code protection}. */
  static EndpointRegistry registryStating(PayloadProtection protection) {
    NexusEndpoint payments =
        NexusEndpoint.newBuilder()
            .setName("payments")
            .setTargetNamespace("payments")
            .setTargetTaskQueue("tq")
            .setPayloadProtection(protection)
            .build();
    return new EndpointRegistry() {
      @Override
      public Optional<NexusEndpoint> findEndpoint(String name) {
        return "payments".equals(name) ? Optional.of(payments) : Optional.empty();
      }

      @Override
      public List<NexusEndpoint> listEndpoints() {
        return List.of(payments);
      }

      @Override
      public AccessDecision checkAccess(String endpointName, String callerNamespace) {
        throw new UnsupportedOperationException("not used by the codec");
      }
    };
  }

  static TinkPayloadCodec codecWithRegistry(
      NamespaceKeys own, PayloadProtection policy, EndpointRegistry registry) {
    return TinkPayloadCodec.newBuilder()
        .addSharedKeyset("shared", KeysetSource.fromKeysetHandle(SHARED))
        .setNamespaceKeys(own)
        .setKeyDirectory(DIRECTORY)
        .setKeyPolicy(PayloadKeyPolicy.of(policy))
        .setEndpointRegistry(registry)
        .build();
  }

  @Test
  void endpointRegistry_statedProtection_winsOverThePolicy_andDecodesOnTheHandler() {
    EndpointRegistry registry = registryStating(PayloadProtection.hpke());
    TinkPayloadCodec caller = codecWithRegistry(ORDERS, PayloadProtection.pairwise(), registry);
    TinkPayloadCodec handler = codecWithRegistry(PAYMENTS, PayloadProtection.pairwise(), registry);

    List<Payload> encoded = under(CHARGE, () -> caller.encode(values("order-42")));
    assertThat(meta(encoded.get(0), "nexus-security-scheme")).isEqualTo("hpke-x25519-aes256gcm");
    // another endpoint states nothing: the policy decides
    PayloadBinding ledger = CHARGE.toBuilder().setEndpoint("ledger").build();
    assertThat(meta(under(ledger, () -> caller.encode(values(1))).get(0), "nexus-security-scheme"))
        .isEqualTo("pairwise-aes256gcm");

    assertThat(under(CHARGE, () -> handler.decode(encoded))).isEqualTo(values("order-42"));
    PayloadBindings.set(CHARGE);
    handler.decode(encoded);
    assertThat(PayloadBindings.takeVerifiedInput("token-1")).isTrue();
  }

  @Test
  void inputDowngradedToAuthenticated_isRefusedByAHandlerWhoseRegistryStatesPairwise() {
    // a rogue caller (or one with a stale registry) sends the input readable in history
    List<Payload> downgraded =
        callerSends(PayloadProtection.authenticated(), CHARGE, values("card-number"));
    TinkPayloadCodec handler =
        codecWithRegistry(
            PAYMENTS,
            PayloadProtection.authenticated(),
            registryStating(PayloadProtection.pairwise()));

    PayloadDecryptionException e = refusedInput(handler, CHARGE, downgraded);

    assertThat(e.getReason()).isEqualTo(Reason.PROTECTION_MISMATCH);
    assertThat(e).hasMessageContaining("pairwise-gmac").hasMessageContaining("pairwise");
  }

  @Test
  void inputUnderAnotherMode_isRefusedByAPolicyEntryForTheEndpoint_butNotByItsDefault() {
    List<Payload> shared = callerSends(PayloadProtection.shared("shared"), CHARGE, values("x"));
    TinkPayloadCodec pairwiseForPayments =
        codec(
            PAYMENTS,
            DIRECTORY,
            PayloadKeyPolicy.newBuilder()
                .setDefault(PayloadProtection.shared("shared"))
                .setForEndpoint("payments", PayloadProtection.pairwise())
                .build());

    assertThat(refusedInput(pairwiseForPayments, CHARGE, shared).getReason())
        .isEqualTo(Reason.PROTECTION_MISMATCH);
    // a default is how the handler encodes, not what it accepts
    assertThat(under(CHARGE, () -> codec(PAYMENTS, PayloadProtection.pairwise()).decode(shared)))
        .isEqualTo(values("x"));
    // the same protection on both sides still decodes
    assertThat(
            under(CHARGE, () -> codec(PAYMENTS, PayloadProtection.shared("shared")).decode(shared)))
        .isEqualTo(values("x"));
  }

  @Test
  void inputBindingWithASerializationContext_encodesContextFree() {
    // the handler starts a workflow on the Nexus thread (binding set, workflow context given):
    // the workflow's arguments must stay readable by the workflow, which has no binding
    TinkPayloadCodec handler = codec(PAYMENTS, PayloadProtection.pairwise());
    PayloadCodec startArgs =
        handler.withContext(new WorkflowSerializationContext("payments", "wf-1"));

    List<Payload> encoded = under(CHARGE, () -> startArgs.encode(values("order-42")));

    assertThat(meta(encoded.get(0), "nexus-security-direction")).isEqualTo("NONE");
    assertThat(startArgs.decode(encoded)).isEqualTo(values("order-42"));
  }

  @Test
  void build_withNamespaceModeButNoKeys_failsNamingTheSetters() {
    assertThatThrownBy(
            () ->
                TinkPayloadCodec.newBuilder()
                    .setKeysetSource(KeysetSource.fromKeysetHandle(SHARED))
                    .setKeyPolicy(PayloadKeyPolicy.of(PayloadProtection.pairwise()))
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("setNamespaceKeys")
        .hasMessageContaining("setKeyDirectory");
    assertThatThrownBy(
            () ->
                TinkPayloadCodec.newBuilder()
                    .setKeysetSource(KeysetSource.fromKeysetHandle(SHARED))
                    .setKeyPolicy(PayloadKeyPolicy.of(PayloadProtection.shared("missing")))
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("shared:missing")
        .hasMessageContaining("addSharedKeyset");
  }

  @Test
  void describe_listsProtectionsAndNamespaceKeyIds_withoutKeyMaterial() {
    TinkPayloadCodec handler = codec(PAYMENTS, PayloadProtection.pairwise());
    String keyId = Integer.toUnsignedString(PAYMENTS.getAgreementKeys().getPrimary().getId());

    assertThat(handler.describe().getPayloadProtections())
        .containsExactly("authenticated", "hpke", "pairwise", "shared:shared");
    // pairwise keys differ per peer: no single encryption key id to compare
    assertThat(handler.describe().getEncryptionKeyId()).isEmpty();
    assertThat(handler.describe().getDecryptionKeyIds())
        .contains("pairwise/payments:" + keyId, "hpke/payments:" + keyId);
    assertThat(handler.toString()).contains("namespace=payments").doesNotContain("value");
  }
}
