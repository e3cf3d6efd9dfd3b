package dev.nexussecurity.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.api.PayloadBinding;
import dev.nexussecurity.api.PayloadBindings;
import dev.nexussecurity.api.PayloadProtection;
import dev.nexussecurity.api.ReasonCode;
import dev.nexussecurity.api.internal.UntrustedText;
import dev.nexussecurity.core.CompatibilityReport.Cause;
import dev.nexussecurity.core.CompatibilityReport.Direction;
import dev.nexussecurity.core.internal.compat.FingerprintComparison;
import dev.nexussecurity.core.internal.compat.PayloadSchemes;
import dev.nexussecurity.core.internal.compat.Probes;
import dev.nexussecurity.core.internal.compat.Probes.Probe;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.failure.v1.Failure;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.JacksonJsonPayloadConverter;
import io.temporal.failure.ApplicationFailure;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Proves, before any traffic, that a Nexus caller's and handler's {@link DataConverter}s
 * interoperate in both directions: the operation input (caller encodes, handler decodes) and the
 * result and failures (handler encodes, caller decodes).
 *
 * <p>It compares the converters' {@link ConverterFingerprint}s, then round-trips a broad set of
 * built-in probes — null, every primitive and boxed type, ASCII, empty and non-ASCII strings, byte
 * arrays, an enum, a record, a POJO with nested generics, {@code List}/{@code Map}/{@code
 * Optional}, a protobuf message, and a value near the payload size limit — plus your own samples,
 * typed with a {@link Type} (use e.g. a Jackson {@code TypeReference}'s {@code getType()} for
 * generic types). The {@link CompatibilityReport} names, per probe and direction, the first failure
 * and its cause: missing payload converter, codec missing on one side, key id not available to the
 * decrypting side, a payload protection mode (pairwise, HPKE, authenticated, a shared keyset) the
 * decrypting side's codec does not decode, value changed, size over the limit. {@link
 * Builder#setPayloadProtection} also checks the protection an endpoint is configured with. User
 * sample values and error texts that could quote them are left out unless {@link
 * Builder#setShowSampleValues(boolean)} is set.
 *
 * <pre>{@code
 * ConverterCompatibilityCheck.newBuilder(callerConverter, handlerConverter)
 *     .addSample("charge request", new ChargeRequest("order-1", 4200), ChargeRequest.class)
 *     .addSample("receipts", List.of(receipt), new TypeReference<List<Receipt>>() {}.getType())
 *     .build()
 *     .run()
 *     .assertCompatible();
 * }</pre>
 */
public final class ConverterCompatibilityCheck {
  /** The default payload size limit: Temporal's default 2 MB. */
  public static final int DEFAULT_PAYLOAD_SIZE_LIMIT = 2 * 1024 * 1024;

  private static final Pattern NO_CONVERTER =
      Pattern.compile("No PayloadConverter is registered for an encoding: ?([^\\s]+)");
  private static final Pattern OVER_LIMIT =
      Pattern.compile("(?i)(exceed|over|larger than).{0,40}limit");

  private final DataConverter caller;
  private final DataConverter handler;
  private final List<Probe> samples;
  private final int sizeLimit;
  private final boolean showSampleValues;
  private final boolean builtInProbes;
  private final PayloadProtection protection;
  private final PayloadBinding call;
  private final ObjectMapper mapper = JacksonJsonPayloadConverter.newDefaultObjectMapper();

  private ConverterCompatibilityCheck(Builder b) {
    this.caller = b.caller;
    this.handler = b.handler;
    this.samples = List.copyOf(b.samples);
    this.sizeLimit = b.sizeLimit;
    this.showSampleValues = b.showSampleValues;
    this.builtInProbes = b.builtInProbes;
    this.protection = b.protection;
    this.call = b.call;
  }

  /** Returns a builder comparing {@code callerConverter} with {@code handlerConverter}. */
  public static Builder newBuilder(DataConverter callerConverter, DataConverter handlerConverter) {
    return new Builder(callerConverter, handlerConverter);
  }

  /** Runs every probe in every direction; never throws for an incompatibility. */
  public CompatibilityReport run() {
    ConverterFingerprint callerFp = ConverterFingerprint.of(caller);
    ConverterFingerprint handlerFp = ConverterFingerprint.of(handler);
    List<FingerprintComparison.Finding> findings =
        new ArrayList<>(FingerprintComparison.compare(callerFp, handlerFp));
    if (protection != null) {
      findings.addAll(FingerprintComparison.protection(protection, handlerFp, true));
      findings.addAll(FingerprintComparison.protection(protection, callerFp, false));
    }
    List<String> findingTexts = new ArrayList<>();
    for (FingerprintComparison.Finding f : findings) {
      findingTexts.add(f.getReason() + ": " + f.getMessage());
    }
    List<Probe> probes = new ArrayList<>();
    if (builtInProbes) {
      probes.addAll(Probes.builtIn(sizeLimit - 8 * 1024));
    }
    probes.addAll(samples);
    List<CompatibilityReport.Entry> entries = new ArrayList<>();
    for (Probe p : probes) {
      entries.add(
          bound(
              PayloadBinding.Direction.INPUT,
              () -> roundTrip(p, Direction.INPUT, caller, handler, callerFp, handlerFp, findings)));
    }
    for (Probe p : probes) {
      entries.add(
          bound(
              PayloadBinding.Direction.RESULT,
              () ->
                  roundTrip(p, Direction.RESULT, handler, caller, handlerFp, callerFp, findings)));
    }
    entries.add(
        bound(PayloadBinding.Direction.FAILURE, () -> failureProbe(handlerFp, callerFp, findings)));
    return new CompatibilityReport(findingTexts, entries);
  }

  /**
   * Runs {@code probe} with the configured Nexus call's binding in force on this thread (so a
   * binding-aware codec protects and checks payloads as in that call), or as is without one.
   */
  private CompatibilityReport.Entry bound(
      PayloadBinding.Direction direction, Supplier<CompatibilityReport.Entry> probe) {
    if (call == null) {
      return probe.get();
    }
    PayloadBinding binding = call.withDirection(direction);
    PayloadBinding previous = PayloadBindings.set(binding);
    try {
      return probe.get();
    } finally {
      PayloadBindings.takeVerifiedInput(binding.getBindingId());
      PayloadBindings.restore(previous);
    }
  }

  private CompatibilityReport.Entry roundTrip(
      Probe p,
      Direction direction,
      DataConverter encoder,
      DataConverter decoder,
      ConverterFingerprint encoderFp,
      ConverterFingerprint decoderFp,
      List<FingerprintComparison.Finding> findings) {
    Payload payload;
    try {
      Optional<Payload> encoded = encoder.toPayload(p.value);
      if (encoded.isEmpty()) {
        return entry(p, direction, Cause.ENCODE_FAILED, "the encoding side produced no payload");
      }
      payload = encoded.get();
    } catch (RuntimeException e) {
      if (OVER_LIMIT.matcher(chainText(e)).find()) {
        return entry(p, direction, Cause.SIZE_OVER_LIMIT, describe(p, e, "encoding failed"));
      }
      return entry(p, direction, Cause.ENCODE_FAILED, describe(p, e, "encoding failed"));
    }
    int size = payload.getSerializedSize();
    Object back;
    try {
      back = decoder.fromPayload(payload, p.rawClass(), p.type);
    } catch (RuntimeException e) {
      return decodeFailure(p, direction, payload, e, encoderFp, decoderFp, findings);
    }
    // On the handler side a binding-aware codec reports a refused input instead of throwing (the
    // input then decodes to null and the handler's interceptor denies the call): a failure here.
    Optional<PayloadBindings.RejectedInput> refused =
        PayloadBindings.current().flatMap(b -> PayloadBindings.takeRejectedInput(b.getBindingId()));
    if (refused.isPresent()) {
      String why =
          "the handler's codec refused the input ("
              + refused.get().getReasonName()
              + "): "
              + refused.get().getDetail();
      ReasonCode reason = PayloadSchemes.reasonForRefusedInput(refused.get().getReasonName());
      if (reason == ReasonCode.ENCRYPTION_KEY_UNAVAILABLE) {
        return entry(p, direction, Cause.KEY_UNAVAILABLE, why);
      }
      if (reason == ReasonCode.PAYLOAD_PROTECTION_NOT_ACCEPTED) {
        return entry(p, direction, Cause.PROTECTION_NOT_ACCEPTED, why);
      }
      // otherwise classified below like any other decoding failure
      return decodeFailure(
          p,
          direction,
          payload,
          new IllegalStateException(
              "the decoding side's codec refused the payload ("
                  + refused.get().getReasonName()
                  + "): "
                  + refused.get().getDetail()),
          encoderFp,
          decoderFp,
          findings);
    }
    if (size > sizeLimit) {
      return entry(
          p,
          direction,
          Cause.SIZE_OVER_LIMIT,
          "the encoded payload is " + size + " bytes, over the limit of " + sizeLimit + " bytes");
    }
    if (!sameValue(p.value, back)) {
      return entry(
          p,
          direction,
          Cause.VALUE_CHANGED,
          p.userSample && !showSampleValues
              ? "the decoded value differs from the original (values hidden; set showSampleValues to"
                  + " see them)"
              : "sent "
                  + UntrustedText.quote(String.valueOf(show(p.value)), 200)
                  + ", got "
                  + UntrustedText.quote(String.valueOf(show(back)), 200));
    }
    return entry(p, direction, null, "");
  }

  private CompatibilityReport.Entry decodeFailure(
      Probe p,
      Direction direction,
      Payload payload,
      RuntimeException e,
      ConverterFingerprint encoderFp,
      ConverterFingerprint decoderFp,
      List<FingerprintComparison.Finding> findings) {
    boolean input = direction == Direction.INPUT;
    for (FingerprintComparison.Finding f : findings) {
      if (f.isInputDirection() == input) {
        Cause cause =
            f.getReason() == ReasonCode.ENCRYPTION_KEY_UNAVAILABLE
                ? Cause.KEY_UNAVAILABLE
                : f.getReason() == ReasonCode.PAYLOAD_PROTECTION_NOT_ACCEPTED
                    ? Cause.PROTECTION_NOT_ACCEPTED
                    : Cause.CODEC_MISSING;
        return entry(p, direction, cause, f.getMessage());
      }
    }
    Optional<PayloadProtection> arrived = PayloadSchemes.protectionOf(payload);
    if (arrived.isPresent()) {
      List<FingerprintComparison.Finding> notAccepted =
          FingerprintComparison.protection(arrived.get(), decoderFp, input);
      if (!notAccepted.isEmpty()) {
        return entry(p, direction, Cause.PROTECTION_NOT_ACCEPTED, notAccepted.get(0).getMessage());
      }
    }
    String encoding =
        payload
            .getMetadataOrDefault("encoding", com.google.protobuf.ByteString.EMPTY)
            .toString(StandardCharsets.UTF_8);
    Matcher m = NO_CONVERTER.matcher(chainText(e));
    if (m.find()) {
      boolean writtenByPayloadConverter =
          encoderFp.getEncodings().map(list -> list.contains(encoding)).orElse(true);
      String decoderSide = input ? "handler" : "caller";
      if (!writtenByPayloadConverter) {
        return entry(
            p,
            direction,
            Cause.CODEC_MISSING,
            "the payload arrives with codec encoding '"
                + encoding
                + "', which the "
                + decoderSide
                + "'s DataConverter cannot decode: it has no matching codec");
      }
      return entry(
          p,
          direction,
          Cause.MISSING_PAYLOAD_CONVERTER,
          "the "
              + decoderSide
              + "'s DataConverter has no payload converter for encoding '"
              + encoding
              + "' (it has "
              + decoderFp.getEncodings().map(Object::toString).orElse("unknown converters")
              + ")");
    }
    return entry(p, direction, Cause.DECODE_FAILED, describe(p, e, "decoding failed"));
  }

  private CompatibilityReport.Entry failureProbe(
      ConverterFingerprint handlerFp,
      ConverterFingerprint callerFp,
      List<FingerprintComparison.Finding> findings) {
    Probe p =
        new Probe(
            "application failure with details",
            List.of("détail", "42"),
            Probes.parameterized(List.class, String.class),
            false);
    ApplicationFailure original =
        ApplicationFailure.newNonRetryableFailure(
            "probe failure: café", "ProbeFailure", "détail", 42);
    Failure failure;
    try {
      failure = handler.exceptionToFailure(original);
    } catch (RuntimeException e) {
      return entry(p, Direction.FAILURE, Cause.ENCODE_FAILED, describe(p, e, "encoding failed"));
    }
    try {
      RuntimeException back = caller.failureToException(failure);
      if (!(back instanceof ApplicationFailure)) {
        return entry(
            p,
            Direction.FAILURE,
            Cause.VALUE_CHANGED,
            "the caller decoded a "
                + back.getClass().getSimpleName()
                + ", not an ApplicationFailure");
      }
      ApplicationFailure af = (ApplicationFailure) back;
      String detail = af.getDetails().get(0, String.class);
      Integer number = af.getDetails().get(1, Integer.class);
      if (!"ProbeFailure".equals(af.getType())
          || !"probe failure: café".equals(af.getOriginalMessage())
          || !"détail".equals(detail)
          || !Integer.valueOf(42).equals(number)) {
        return entry(
            p,
            Direction.FAILURE,
            Cause.VALUE_CHANGED,
            "sent type ProbeFailure, message 'probe failure: café', details [détail, 42]; got type "
                + af.getType()
                + ", message '"
                + af.getOriginalMessage()
                + "', details ["
                + detail
                + ", "
                + number
                + "]");
      }
      return entry(p, Direction.FAILURE, null, "");
    } catch (RuntimeException e) {
      Payload firstDetail =
          failure.getApplicationFailureInfo().getDetails().getPayloadsCount() > 0
              ? failure.getApplicationFailureInfo().getDetails().getPayloads(0)
              : Payload.getDefaultInstance();
      return decodeFailure(p, Direction.FAILURE, firstDetail, e, handlerFp, callerFp, findings);
    }
  }

  /**
   * Whether {@code b} is {@code a} after a round trip: equal by {@code equals} (deeply for arrays);
   * for lists, maps and optionals, element by element; for values whose class does not define
   * {@code equals} (plain POJOs), equal as JSON trees. Element classes must match, so a generic
   * value that came back as plain maps instead of the declared element type counts as changed.
   */
  private boolean sameValue(Object a, Object b) {
    if (a == b) {
      return true;
    }
    if (a == null || b == null) {
      return false;
    }
    if (a.getClass().isArray() || b.getClass().isArray()) {
      return Objects.deepEquals(a, b);
    }
    if (a instanceof List && b instanceof List) {
      List<?> la = (List<?>) a;
      List<?> lb = (List<?>) b;
      if (la.size() != lb.size()) {
        return false;
      }
      for (int i = 0; i < la.size(); i++) {
        if (!sameValue(la.get(i), lb.get(i))) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof java.util.Map && b instanceof java.util.Map) {
      java.util.Map<?, ?> ma = (java.util.Map<?, ?>) a;
      java.util.Map<?, ?> mb = (java.util.Map<?, ?>) b;
      if (ma.size() != mb.size() || !ma.keySet().equals(mb.keySet())) {
        return false;
      }
      for (java.util.Map.Entry<?, ?> e : ma.entrySet()) {
        if (!sameValue(e.getValue(), mb.get(e.getKey()))) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof Optional && b instanceof Optional) {
      Optional<?> oa = (Optional<?>) a;
      Optional<?> ob = (Optional<?>) b;
      return oa.isPresent() == ob.isPresent() && (oa.isEmpty() || sameValue(oa.get(), ob.get()));
    }
    if (!a.getClass().equals(b.getClass())) {
      return false;
    }
    if (a.equals(b)) {
      return true;
    }
    if (overridesEquals(a.getClass())) {
      return false;
    }
    try {
      JsonNode ta = mapper.valueToTree(a);
      JsonNode tb = mapper.valueToTree(b);
      return ta.equals(tb);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static boolean overridesEquals(Class<?> c) {
    try {
      return c.getMethod("equals", Object.class).getDeclaringClass() != Object.class;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }

  private String describe(Probe p, Throwable e, String what) {
    StringBuilder sb = new StringBuilder(what).append(": ");
    boolean hideMessages = p.userSample && !showSampleValues;
    boolean first = true;
    for (Throwable t = e; t != null && t != t.getCause(); t = t.getCause()) {
      sb.append(first ? "" : " <- ").append(t.getClass().getSimpleName());
      if (!hideMessages && t.getMessage() != null) {
        sb.append(" \"").append(UntrustedText.quote(t.getMessage(), 200)).append('"');
      }
      first = false;
    }
    if (hideMessages) {
      sb.append(" (messages hidden for user samples; set showSampleValues to see them)");
    }
    return sb.toString();
  }

  private static String chainText(Throwable e) {
    StringBuilder sb = new StringBuilder();
    for (Throwable t = e; t != null && t != t.getCause(); t = t.getCause()) {
      sb.append(t.getMessage()).append('\n');
    }
    return sb.toString();
  }

  private static Object show(Object v) {
    if (v instanceof byte[]) {
      return "byte[" + ((byte[]) v).length + "]";
    }
    return v;
  }

  private static CompatibilityReport.Entry entry(
      Probe p, Direction d, Cause cause, String explanation) {
    return new CompatibilityReport.Entry(p.name, d, cause, explanation, p.userSample);
  }

  /** Builder for {@link ConverterCompatibilityCheck}. */
  public static final class Builder {
    private final DataConverter caller;
    private final DataConverter handler;
    private final List<Probe> samples = new ArrayList<>();
    private int sizeLimit = DEFAULT_PAYLOAD_SIZE_LIMIT;
    private boolean showSampleValues;
    private boolean builtInProbes = true;
    private PayloadProtection protection;
    private PayloadBinding call;

    private Builder(DataConverter caller, DataConverter handler) {
      this.caller = Objects.requireNonNull(caller, "callerConverter");
      this.handler = Objects.requireNonNull(handler, "handlerConverter");
    }

    /**
     * Adds a sample of your own operation types, decoded as {@code type} (a {@link Class} or a
     * {@link java.lang.reflect.ParameterizedType} for generic types). Samples travel in both
     * directions.
     */
    public Builder addSample(String name, Object value, Type type) {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("sample name must be non-blank");
      }
      samples.add(new Probe(name, value, Objects.requireNonNull(type, "type"), true));
      return this;
    }

    /** Adds a sample decoded as its own class. */
    public Builder addSample(String name, Object value) {
      return addSample(name, Objects.requireNonNull(value, "value"), value.getClass());
    }

    /** Sets the payload size limit in bytes (default 2 MB). */
    public Builder setPayloadSizeLimit(int bytes) {
      if (bytes < 16 * 1024) {
        throw new IllegalArgumentException(
            "payload size limit must be at least 16 KiB, got " + bytes);
      }
      this.sizeLimit = bytes;
      return this;
    }

    /**
     * Whether the report may show user sample values and error texts that quote them (default no).
     */
    public Builder setShowSampleValues(boolean show) {
      this.showSampleValues = show;
      return this;
    }

    /**
     * Whether to run the built-in probes (default yes); off runs only your samples and the failure
     * probe.
     */
    public Builder setBuiltInProbes(boolean run) {
      this.builtInProbes = run;
      return this;
    }

    /**
     * Also checks the payload protection the endpoint (or service) is configured with ({@link
     * dev.nexussecurity.api.NexusEndpoint#getPayloadProtection(String)}): that the handler's codec
     * decodes the input under it and the caller's codec decodes results and failures under it. A
     * side whose codecs list no protections is not judged. {@code null} (the default) checks only
     * what the converters themselves use.
     *
     * <pre>{@code
     * endpoint.getPayloadProtection("RefundService").ifPresent(builder::setPayloadProtection);
     * }</pre>
     */
    public Builder setPayloadProtection(PayloadProtection protection) {
      this.protection = protection;
      return this;
    }

    /**
     * Runs the probes as payloads of one Nexus call: from {@code callerNamespace} through {@code
     * endpoint} (to its target namespace) to {@code service}/{@code operation}, so that a
     * binding-aware codec (the Tink codec's pairwise, HPKE and authenticated modes, and its
     * per-endpoint and per-service key policy) protects and checks them as in that call; also
     * checks the endpoint's configured payload protection for {@code service}, if it names one (see
     * {@link #setPayloadProtection}). Without a call, probes are encoded outside any Nexus call,
     * under the codecs' unbound protection.
     *
     * <pre>{@code
     * ConverterCompatibilityCheck.newBuilder(callerConverter, handlerConverter)
     *     .setNexusCall("orders-ns", registry.findEndpoint("payments").orElseThrow(),
     *         "RefundService", "refund")
     *     .build().run().assertCompatible();
     * }</pre>
     *
     * @throws IllegalArgumentException if an argument is null or empty
     */
    public Builder setNexusCall(
        String callerNamespace, NexusEndpoint endpoint, String service, String operation) {
      Objects.requireNonNull(endpoint, "endpoint");
      for (String[] arg :
          new String[][] {
            {"callerNamespace", callerNamespace}, {"service", service}, {"operation", operation}
          }) {
        if (arg[1] == null || arg[1].isEmpty()) {
          throw new IllegalArgumentException(
              "ConverterCompatibilityCheck.setNexusCall: " + arg[0] + " must be non-empty");
        }
      }
      this.call =
          PayloadBinding.newBuilder()
              .setDirection(PayloadBinding.Direction.INPUT)
              .setBindingId("nexus-security-compatibility-check")
              .setCallerNamespace(callerNamespace)
              .setHandlerNamespace(endpoint.getTargetNamespace())
              .setEndpoint(endpoint.getName())
              .setService(service)
              .setOperation(operation)
              .build();
      endpoint.getPayloadProtection(service).ifPresent(p -> this.protection = p);
      return this;
    }

    public ConverterCompatibilityCheck build() {
      return new ConverterCompatibilityCheck(this);
    }
  }
}
