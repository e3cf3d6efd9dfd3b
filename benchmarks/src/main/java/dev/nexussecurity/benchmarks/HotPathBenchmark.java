package dev.nexussecurity.benchmarks;

import dev.nexussecurity.api.PayloadProtection;
import dev.nexussecurity.core.keys.NamespaceKeyDirectory;
import dev.nexussecurity.core.keys.NamespaceKeys;
import dev.nexussecurity.core.keys.NamespacePublicKeys;
import dev.nexussecurity.core.keys.PairwiseKeys;
import dev.nexussecurity.core.keys.PayloadAcceptance;
import dev.nexussecurity.core.keys.PayloadAcceptanceCheck;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The per-call pieces of the secure default that the profile of a Nexus call pointed at, each as it
 * was ({@code ...Before}, a copy of the replaced code) and as it is ({@code ...After}), in one run;
 * and the key-directory lookups of every call, whose allocation {@code -prof gc} must show as 0
 * B/op.
 *
 * <ul>
 *   <li>{@code guard*}: the handler's installation guard (is the SDK the caller of {@code init}?):
 *       a {@code StackWalker} stream skipping two frames against {@code getCallerClass()}.
 *   <li>{@code jsonPathName*}: the JSON path of each field StrictJson reads (every claim of every
 *       token): a regular expression against a character loop.
 *   <li>{@code linkSegment*}: decoding a segment of the server-built caller link (three per start):
 *       {@code URLDecoder} always against only when something is escaped.
 *   <li>{@code decisionTags*}: the tags of the decisions counter (two per call): a new map with
 *       lower-cased names against a table built once.
 *   <li>{@code primaryKeyId*}: the peer's primary key-agreement key id (every token issued): read
 *       from the keyset and boxed per call against a value built once.
 *   <li>{@code lookup*}: the directory and pair-key lookups themselves, as the interceptors call
 *       them (public API).
 * </ul>
 *
 * <pre>{@code
 * java -jar benchmarks/target/benchmarks.jar HotPathBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s -prof gc
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HotPathBenchmark {
  private static final StackWalker WALKER =
      StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");

  private NamespaceKeyDirectory directory;
  private NamespacePublicKeys paymentsKeys;
  private PairwiseKeys ordersPairs;
  private PairwiseKeys paymentsPairs;
  private int ordersKeyId;
  private int paymentsKeyId;
  private PayloadProtection pairwise;
  private String fieldName = "agreementKeys";
  private String linkSegment = "6f1e0c2a-8b7d-4e9f-a1b2-c3d4e5f60718";

  @Setup
  public void setUp() {
    NamespaceKeys orders = NamespaceKeys.generate("orders-ns", true);
    NamespaceKeys payments = NamespaceKeys.generate("payments-ns", true);
    paymentsKeys =
        payments.toPublicKeys().toBuilder()
            .setPayloadAcceptance(PayloadAcceptance.newBuilder().setPairwise(true).build())
            .build();
    directory =
        NamespaceKeyDirectory.newBuilder().put(orders.toPublicKeys()).put(paymentsKeys).build();
    ordersPairs = PairwiseKeys.create(orders, directory);
    paymentsPairs = PairwiseKeys.create(payments, directory);
    ordersKeyId = ordersPairs.getPrimaryKeyId();
    paymentsKeyId = paymentsPairs.getPrimaryKeyId();
    pairwise = PayloadProtection.pairwise();
    if (guardAfter() || guardBefore()) {
      throw new IllegalStateException("a benchmark frame is not the SDK");
    }
    if (lookupAcceptanceCheck().isPresent()) {
      throw new IllegalStateException("the handler accepts pairwise payloads");
    }
  }

  // --- installation guard ---------------------------------------------------------------------

  @Benchmark
  public boolean guardBefore() {
    return initBefore();
  }

  @Benchmark
  public boolean guardAfter() {
    return initAfter();
  }

  private static boolean initBefore() {
    return calledBySdkBefore();
  }

  private static boolean calledBySdkBefore() {
    return WALKER.walk(
        frames ->
            frames
                .skip(2)
                .findFirst()
                .map(f -> f.getDeclaringClass().getName().startsWith("io.temporal.internal."))
                .orElse(false));
  }

  private static boolean initAfter() {
    Class<?> caller = WALKER.getCallerClass();
    return caller != null && caller.getName().startsWith("io.temporal.internal.");
  }

  // --- JSON path of a field -------------------------------------------------------------------

  @Benchmark
  public boolean jsonPathNameBefore() {
    return fieldName.matches("[A-Za-z_][A-Za-z0-9_-]*");
  }

  @Benchmark
  public boolean jsonPathNamePrecompiled() {
    return PLAIN.matcher(fieldName).matches();
  }

  @Benchmark
  public boolean jsonPathNameAfter() {
    String name = fieldName;
    if (name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
      if (!letter && (i == 0 || !((c >= '0' && c <= '9') || c == '-'))) {
        return false;
      }
    }
    return true;
  }

  // --- caller link ----------------------------------------------------------------------------

  @Benchmark
  public String linkSegmentBefore() {
    return URLDecoder.decode(linkSegment.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  @Benchmark
  public String linkSegmentAfter() {
    String s = linkSegment;
    if (s.indexOf('%') < 0) {
      return s;
    }
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  // --- decision counter tags ------------------------------------------------------------------

  private static final Map<String, String> CACHED_TAGS =
      Map.of("side", "handler", "action", "start", "outcome", "allowed", "reason", "ALLOWED");

  private String side = "HANDLER";
  private String action = "START";

  @Benchmark
  public Map<String, String> decisionTagsBefore() {
    return Map.of(
        "side",
        side.toLowerCase(Locale.ROOT),
        "action",
        action.toLowerCase(Locale.ROOT),
        "outcome",
        "allowed",
        "reason",
        "ALLOWED");
  }

  @Benchmark
  public Map<String, String> decisionTagsAfter() {
    return CACHED_TAGS;
  }

  // --- directory lookups ----------------------------------------------------------------------

  @Benchmark
  public Optional<Integer> primaryKeyIdBefore() {
    return paymentsKeys.getAgreementKeys().isEmpty()
        ? Optional.empty()
        : Optional.of(paymentsKeys.getAgreementKeys().get().getPrimary().getId());
  }

  @Benchmark
  public Optional<Integer> primaryKeyIdAfter() {
    return paymentsKeys.getPrimaryAgreementKeyId();
  }

  /** Caller: the handler namespace's entry in the key directory. */
  @Benchmark
  public Optional<NamespacePublicKeys> lookupFindNamespace() {
    return directory.findNamespace("payments-ns");
  }

  /** Caller: the identity key for the pair (cache hit), as every pairwise token needs. */
  @Benchmark
  public PairwiseKeys.PairKey lookupPairKeyForSending() {
    return ordersPairs.forSending(PairwiseKeys.Purpose.IDENTITY_TOKEN, "payments-ns");
  }

  /** Handler: the identity key named by a token's key ids (cache hit). */
  @Benchmark
  public PairwiseKeys.PairKey lookupPairKeyForReceiving() {
    return paymentsPairs.get(
        PairwiseKeys.Purpose.IDENTITY_TOKEN,
        "orders-ns",
        ordersKeyId,
        "payments-ns",
        paymentsKeyId);
  }

  /** Caller: does the handler namespace accept the endpoint's payload protection? */
  @Benchmark
  public Optional<PayloadAcceptanceCheck.Denial> lookupAcceptanceCheck() {
    return PayloadAcceptanceCheck.check(directory, "payments-ns", pairwise);
  }

  /** Handler: is the caller's key revoked? */
  @Benchmark
  public boolean lookupIsRevoked() {
    return paymentsKeys.isRevoked(ordersKeyId);
  }
}
