package dev.nexussecurity.examples;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.nexussecurity.api.AccountRole;
import dev.nexussecurity.api.NamespacePermission;
import dev.nexussecurity.api.NamespacePermissionRequiredException;
import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.api.PayloadProtection;
import dev.nexussecurity.api.Principal;
import dev.nexussecurity.api.ReasonCode;
import dev.nexussecurity.codec.tink.PayloadKeyPolicy;
import dev.nexussecurity.codec.tink.TinkPayloadCodec;
import dev.nexussecurity.core.InMemoryEndpointRegistry;
import dev.nexussecurity.core.RegistryFiles;
import dev.nexussecurity.core.keys.PayloadAcceptance;
import dev.nexussecurity.examples.orders.CheckoutWorkflow;
import dev.nexussecurity.examples.orders.CheckoutWorkflow.CheckoutResult;
import dev.nexussecurity.examples.orders.CheckoutWorkflow.Order;
import dev.nexussecurity.examples.payments.ChargeWorkflow;
import dev.nexussecurity.examples.payments.OperationCounter;
import dev.nexussecurity.testing.EmbeddedTemporal;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.converter.DataConverter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The demo's scenarios on one embedded Temporal server with true cross-namespace Nexus routing:
 * callers in {@code orders} (on the {@code payments} endpoint's allowlist) and {@code analytics}
 * (not on it), a handler worker in {@code payments} serving {@code PaymentsService} and {@code
 * FraudService}, all wired by {@link WorkerBootstrap} on the new defaults: namespace keys per
 * namespace and one key directory (made at start with the {@code nexus-security-keys} command as
 * development-only files, loaded back through the production loader), pairwise identity, and the
 * payload codec's format 2 under {@link WorkerSettings#DEMO_POLICY} (pairwise, and {@code
 * FraudService} under its own shared keyset).
 *
 * <pre>{@code
 * try (DemoScenarios demo = DemoScenarios.start(Files.createTempDirectory("demo"))) {
 *   for (ScenarioResult r : demo.runAll()) {
 *     System.out.println(r.toLine());
 *   }
 * }
 * }</pre>
 *
 * <p>Run the scenarios in order ({@link #runAll()}): the history scenarios read the histories of
 * the first, and the endpoint update changes the registry for whatever runs after it.
 */
public final class DemoScenarios implements AutoCloseable {
  public static final String ORDERS = "orders";
  public static final String ANALYTICS = "analytics";
  public static final String PAYMENTS = "payments";
  public static final String ENDPOINT = "payments";

  /** The sample registry on the classpath ({@code examples/config/registry.json}). */
  public static final String REGISTRY_RESOURCE = "/registry.json";

  /** The number of scenarios {@link #runAll()} runs. */
  public static final int SCENARIO_COUNT = 10;

  static final String ENCRYPTED_ENCODING = "binary/encrypted";

  /** Fields of the codec's clear-text context entry ({@link TinkPayloadCodec#contextOf}). */
  static final String SCHEME_FIELD = "scheme";

  static final String KEYSET_FIELD = "keyset";
  static final String CALLER_FIELD = "caller";
  static final String HANDLER_FIELD = "handler";
  static final String SERVICE_FIELD = "service";
  private static final String SDK_VERSION_MARKER = "Version";

  private static final Duration OPERATION_TIMEOUT = WorkerSettings.DEFAULT_OPERATION_TIMEOUT;

  /** Of the callers expected to be denied at once: a timeout shows the denial did not come. */
  private static final Duration SHORT_OPERATION_TIMEOUT = Duration.ofSeconds(10);

  private static final long AMOUNT_CENTS = 12_000;
  private static final String CURRENCY = "EUR";

  private final Path workDir;
  private final Path registryFile;
  private final DemoKeys keys;
  private final InMemoryEndpointRegistry registry;
  private final EmbeddedTemporal temporal;
  private final OperationCounter handlerCode = new OperationCounter();
  private final Deque<AutoCloseable> resources = new ArrayDeque<>();
  private final String runId = UUID.randomUUID().toString().substring(0, 8);
  private final PayloadKeyPolicy policy;
  private WorkerSettings handlerSettings;
  private DataConverter handlerConverter;
  private RunningWorker handler;
  private RunningWorker orders;
  private RunningWorker analytics;
  private RunningWorker rogue;
  private String allowedOrderId;

  private DemoScenarios(Path workDir, String registryJson, PayloadKeyPolicy policy) {
    this.workDir = Objects.requireNonNull(workDir, "workDir");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.registryFile = workDir.resolve("registry.json");
    if (registryJson == null) {
      copyResource(REGISTRY_RESOURCE, registryFile);
    } else {
      writeString(registryFile, registryJson);
    }
    this.keys =
        DemoKeys.create(
            workDir.resolve("keys"),
            List.of(ORDERS, ANALYTICS, PAYMENTS),
            Map.of(
                PAYMENTS,
                PayloadAcceptance.newBuilder()
                    .setPairwise(true)
                    .addSharedKeyset(WorkerSettings.FRAUD_KEYSET)
                    .build()));
    this.registry = WorkerBootstrap.loadRegistry(registryFile);
    this.temporal = EmbeddedTemporal.newBuilder().start();
    resources.push(temporal);
  }

  /**
   * Makes development keys in {@code workDir}, copies the sample registry there, starts the
   * embedded server, creates the server's Nexus endpoints from the registry, checks the converters
   * and starts the handler and caller workers. On failure everything started is stopped again.
   */
  public static DemoScenarios start(Path workDir) {
    return start(workDir, null);
  }

  /**
   * As {@link #start(Path)}, with another registry than the sample (for tests of the demo itself).
   */
  static DemoScenarios start(Path workDir, String registryJson) {
    return start(workDir, registryJson, WorkerSettings.DEMO_POLICY);
  }

  /**
   * As {@link #start(Path, String)}, with another payload key policy on every worker than {@link
   * WorkerSettings#DEMO_POLICY} (for tests of the demo itself).
   */
  static DemoScenarios start(Path workDir, String registryJson, PayloadKeyPolicy policy) {
    DemoScenarios demo = new DemoScenarios(workDir, registryJson, policy);
    try {
      demo.startWorkers();
      return demo;
    } catch (RuntimeException | Error e) {
      demo.close();
      throw e;
    }
  }

  private void startWorkers() {
    // The server routes Nexus requests; the registry decides who may send them.
    for (NexusEndpoint e : registry.listEndpoints()) {
      temporal.createNexusEndpoint(e.getName(), e.getTargetNamespace(), e.getTargetTaskQueue());
    }
    NexusEndpoint payments =
        registry
            .findEndpoint(ENDPOINT)
            .orElseThrow(
                () -> new IllegalStateException("registry.json has no endpoint " + ENDPOINT));

    handlerSettings =
        settings(payments.getTargetNamespace(), payments.getTargetTaskQueue())
            .putSharedKeysetFile(
                WorkerSettings.FRAUD_KEYSET, keys.sharedKeysetFile(WorkerSettings.FRAUD_KEYSET))
            .build();
    handlerConverter = WorkerBootstrap.newDataConverter(handlerSettings, keysOf(handlerSettings));
    handler = startHandler();

    orders = startCaller(callerSettings(ORDERS, "checkout").build(), true);
    analytics = startCaller(callerSettings(ANALYTICS, "analytics-checkout").build(), true);
    // A worker that skips the caller-side check: only the handler stands between it and payments.
    rogue =
        startCaller(
            callerSettings(ANALYTICS, "analytics-rogue").setEnforceOnCaller(false).build(), true);
  }

  private NexusEndpoint endpoint() {
    return registry.findEndpoint(ENDPOINT).orElseThrow();
  }

  private RunningWorker startHandler() {
    RunningWorker worker =
        WorkerBootstrap.startHandlerWorker(
            temporal.getWorkflowServiceStubs(),
            handlerSettings,
            registry,
            keysOf(handlerSettings),
            handlerConverter,
            handlerCode);
    resources.push(worker);
    return worker;
  }

  private WorkerSettings.Builder settings(String namespace, String taskQueue) {
    return WorkerSettings.newBuilder()
        .setNamespace(namespace)
        .setTaskQueue(taskQueue)
        .setNamespaceKeysFile(keys.namespaceKeysFile(namespace))
        .setKeyDirectoryFile(keys.keyDirectoryFile())
        .setPayloadKeyPolicy(policy);
  }

  private WorkerSettings.Builder callerSettings(String namespace, String taskQueue) {
    return settings(namespace, taskQueue)
        .putSharedKeysetFile(
            WorkerSettings.FRAUD_KEYSET, keys.sharedKeysetFile(WorkerSettings.FRAUD_KEYSET))
        .setEndpoint(ENDPOINT)
        .setOperationTimeout(OPERATION_TIMEOUT);
  }

  /** The worker's keys, loaded from its files as a production worker loads them. */
  private static WorkerKeys keysOf(WorkerSettings settings) {
    return WorkerBootstrap.loadKeys(settings);
  }

  private RunningWorker startCaller(WorkerSettings settings, boolean checkConverters) {
    return startCaller(settings, checkConverters, registry);
  }

  private RunningWorker startCaller(
      WorkerSettings settings, boolean checkConverters, InMemoryEndpointRegistry callerRegistry) {
    DataConverter converter = WorkerBootstrap.newDataConverter(settings, keysOf(settings));
    if (checkConverters) {
      WorkerBootstrap.requireCompatibleConverters(
          settings.getNamespace(), endpoint(), converter, handlerConverter);
    }
    RunningWorker worker =
        WorkerBootstrap.startCallerWorker(
            temporal.getWorkflowServiceStubs(),
            settings,
            callerRegistry,
            keysOf(settings),
            converter);
    resources.push(worker);
    return worker;
  }

  /** Runs the scenarios in order; a scenario that throws is reported as failed. */
  public List<ScenarioResult> runAll() {
    List<ScenarioResult> results = new ArrayList<>();
    results.add(guard(1, "allowed caller", this::allowedCaller));
    results.add(guard(2, "caller not on the allowlist", this::callerNotOnAllowlist));
    results.add(guard(3, "rogue caller skipping its own check", this::rogueCaller));
    results.add(guard(4, "encrypted histories", this::encryptedHistories));
    results.add(guard(5, "caller with a payload key the handler lacks", this::missingPayloadKey));
    results.add(guard(6, "endpoint update under RBAC", this::endpointUpdate));
    results.add(guard(7, "token replayed from history", this::replayedToken));
    results.add(guard(8, "per-service key", this::perServiceKey));
    results.add(guard(9, "each side reads its own history", this::eachSideReadsItsHistory));
    results.add(
        guard(10, "payload protection the handler does not accept", this::notAcceptedProtection));
    return results;
  }

  /** Scenario 1: orders' quote (sync), screening (sync) and charge (workflow-run) succeed. */
  public ScenarioResult allowedCaller() {
    String expected = "orders' quote, fraud screening (sync) and charge (workflow-run) succeed";
    allowedOrderId = orderId("allowed");
    long before = handlerCode.total();
    Checkout c = checkout(orders, allowedOrderId);
    CheckoutResult r = c.result;
    if (r.wasDenied()) {
      return new ScenarioResult(1, "allowed caller", expected, denialText(c), false);
    }
    boolean ok =
        PAYMENTS.equals(r.quote().quotedBy())
            && PAYMENTS.equals(r.screening().screenedBy())
            && "APPROVED".equals(r.screening().verdict())
            && PAYMENTS.equals(r.receipt().chargedIn())
            && ChargeWorkflow.workflowId(allowedOrderId).equals(r.receipt().workflowId())
            && r.quote().amountCents() == AMOUNT_CENTS
            && r.receipt().totalCents() == r.quote().amountCents() + r.quote().feeCents()
            && handlerCode.total() - before == 3;
    String actual =
        "quote "
            + money(r.quote().amountCents())
            + " + fee "
            + money(r.quote().feeCents())
            + " from "
            + r.quote().quotedBy()
            + "; screening "
            + r.screening().verdict()
            + "; charge "
            + money(r.receipt().totalCents())
            + ", receipt "
            + r.receipt().receiptId()
            + " from workflow "
            + r.receipt().workflowId()
            + " in "
            + r.receipt().chargedIn();
    return new ScenarioResult(1, "allowed caller", expected, actual, ok);
  }

  /** Scenario 2: analytics is not on the allowlist and is denied before anything is sent. */
  public ScenarioResult callerNotOnAllowlist() {
    String expected = "analytics DENIED on the caller side, nothing sent";
    long before = handlerCode.total();
    Checkout c = checkout(analytics, orderId("analytics"));
    long scheduled =
        countEvents(
            analytics.getClient(), c.workflowId, EventType.EVENT_TYPE_NEXUS_OPERATION_SCHEDULED);
    long ran = handlerCode.total() - before;
    boolean ok =
        c.result.deniedReason() == ReasonCode.CALLER_NOT_ALLOWED
            && side(c.result).equals("caller")
            && scheduled == 0
            && ran == 0;
    String actual =
        denialText(c)
            + "; Nexus operations scheduled: "
            + scheduled
            + "; handler code runs: "
            + ran;
    return new ScenarioResult(2, "caller not on the allowlist", expected, actual, ok);
  }

  /**
   * Scenario 3: an analytics worker that skips its own check sends the request; the handler denies
   * it before any handler code runs.
   */
  public ScenarioResult rogueCaller() {
    String expected =
        "analytics with enforceOnCaller(false) DENIED by the handler, handler code never run";
    long before = handlerCode.total();
    Checkout c = checkout(rogue, orderId("rogue"));
    long scheduled =
        countEvents(
            rogue.getClient(), c.workflowId, EventType.EVENT_TYPE_NEXUS_OPERATION_SCHEDULED);
    long ran = handlerCode.total() - before;
    boolean ok =
        c.result.deniedReason() == ReasonCode.CALLER_NOT_ALLOWED
            && side(c.result).equals("handler")
            && scheduled == 1
            && ran == 0;
    String actual =
        "request sent ("
            + scheduled
            + " Nexus operation scheduled), "
            + denialText(c)
            + " after "
            + seconds(c.elapsed)
            + "; handler code runs: "
            + ran;
    return new ScenarioResult(3, "rogue caller skipping its own check", expected, actual, ok);
  }

  /** Scenario 4: every payload of scenario 1's histories, in both namespaces, is encrypted. */
  public ScenarioResult encryptedHistories() {
    String expected = "every payload in the orders and payments histories encrypted";
    if (allowedOrderId == null) {
      return new ScenarioResult(
          4, "encrypted histories", expected, "scenario 1 did not run", false);
    }
    List<Found> callerSide = ordersHistory();
    List<Found> handlerSide = paymentsHistory();
    List<Found> unencrypted = new ArrayList<>();
    for (Found f : concat(callerSide, handlerSide)) {
      if (!f.isEncrypted() && !f.versionMarker) {
        unencrypted.add(f);
      }
    }
    boolean plaintextSeen = anyDataContains(concat(callerSide, handlerSide), allowedOrderId);
    long markerFields =
        concat(callerSide, handlerSide).stream().filter(f -> f.versionMarker).count();
    boolean ok =
        data(callerSide).size() > 0
            && data(handlerSide).size() > 0
            && unencrypted.isEmpty()
            && !plaintextSeen;
    StringBuilder notEncrypted = new StringBuilder();
    for (Found f : unencrypted) {
      notEncrypted
          .append(notEncrypted.length() == 0 ? "; NOT encrypted: " : ", ")
          .append(f.location)
          .append(" (encoding '")
          .append(f.metadata("encoding"))
          .append("')");
    }
    String actual =
        ORDERS
            + ": "
            + encryptedCount(callerSide)
            + ", "
            + PAYMENTS
            + ": "
            + encryptedCount(handlerSide)
            + " (encoding "
            + ENCRYPTED_ENCODING
            + ", format 2)"
            + notEncrypted
            + "; order id readable in "
            + (plaintextSeen ? "SOME payloads" : "no payload")
            + (markerFields == 0
                ? ""
                : "; not counted: "
                    + markerFields
                    + " version-marker fields, which Temporal's SDK always writes unencrypted");
    return new ScenarioResult(4, "encrypted histories", expected, actual, ok);
  }

  /**
   * Scenario 5: a caller whose fraud keyset got a new primary key before the handler had it. The
   * start-up check refuses it; started anyway, its screening call is denied at once with {@code
   * ENCRYPTION_KEY_UNAVAILABLE}.
   */
  public ScenarioResult missingPayloadKey() {
    String expected =
        "start-up check refuses it; started anyway, DENIED at once with ENCRYPTION_KEY_UNAVAILABLE"
            + " instead of a timeout";
    Path rotated =
        keys.getDirectory().resolve(DemoKeys.DEV_ONLY_PREFIX + "fraud-new-key.keyset.json");
    copy(keys.sharedKeysetFile(WorkerSettings.FRAUD_KEYSET), rotated);
    String added =
        keys.run("keyset", "rotate", "--keyset", rotated.toString(), "--insecure-cleartext");
    String keyId = added.replaceAll("(?s).*?\\b(\\d{5,10})\\b.*", "$1");
    keys.run(
        "keyset",
        "promote",
        "--keyset",
        rotated.toString(),
        "--key-id",
        keyId,
        "--insecure-cleartext");
    WorkerSettings settings =
        callerSettings(ORDERS, "checkout-new-key")
            .putSharedKeysetFile(WorkerSettings.FRAUD_KEYSET, rotated)
            .setOperationTimeout(SHORT_OPERATION_TIMEOUT)
            .build();
    DataConverter converter = WorkerBootstrap.newDataConverter(settings, keysOf(settings));
    String startupCheck;
    boolean refused;
    try {
      WorkerBootstrap.requireCompatibleConverters(ORDERS, endpoint(), converter, handlerConverter);
      refused = false;
      startupCheck = "start-up check passed (unexpected)";
    } catch (IllegalStateException e) {
      String[] lines = e.getMessage().split("\n");
      refused =
          e.getMessage().contains("KEY_UNAVAILABLE") && e.getMessage().contains("FraudService");
      startupCheck =
          "start-up check refused it ("
              + lines[0].replace("Incompatible converters for ", "").replace(":", "")
              + ": "
              + (lines.length > 1 ? lines[1].strip() : "")
              + ")";
    }
    RunningWorker newKeyCaller = startCaller(settings, false);
    long before = handlerCode.get("screen");
    Checkout c;
    long start = System.nanoTime();
    try {
      c = checkout(newKeyCaller, orderId("new-key"));
    } catch (WorkflowException e) {
      return new ScenarioResult(
          5,
          "caller with a payload key the handler lacks",
          expected,
          startupCheck
              + "; started without the check: NOT denied, the screening failed after "
              + seconds(Duration.ofNanos(System.nanoTime() - start))
              + " ("
              + describe(e.getCause() == null ? e : e.getCause())
              + "); FraudService code runs: "
              + (handlerCode.get("screen") - before),
          false);
    }
    long ran = handlerCode.get("screen") - before;
    boolean ok =
        refused
            && c.result.deniedReason() == ReasonCode.ENCRYPTION_KEY_UNAVAILABLE
            && side(c.result).equals("handler")
            && "screen".equals(c.result.deniedOperation())
            && ran == 0;
    String actual =
        startupCheck
            + "; started without the check: "
            + denialText(c)
            + " after "
            + seconds(c.elapsed)
            + " (operation timeout "
            + SHORT_OPERATION_TIMEOUT.toSeconds()
            + " s); FraudService code runs: "
            + ran;
    return new ScenarioResult(
        5, "caller with a payload key the handler lacks", expected, actual, ok);
  }

  /**
   * Scenario 6: a Developer without Namespace Admin on payments cannot add analytics to the
   * endpoint's allowlist; a Developer with it can, the new version is saved, and analytics' calls
   * now succeed.
   */
  public ScenarioResult endpointUpdate() {
    String expected =
        "Developer without Namespace Admin on payments refused; a Namespace Admin's update applies"
            + " at runtime";
    Principal dana =
        Principal.newBuilder("dana@example.com")
            .setAccountRole(AccountRole.DEVELOPER)
            .putNamespacePermission(ANALYTICS, NamespacePermission.ADMIN)
            .build();
    Principal paula =
        Principal.newBuilder("paula@example.com")
            .setAccountRole(AccountRole.DEVELOPER)
            .putNamespacePermission(PAYMENTS, NamespacePermission.ADMIN)
            .build();
    NamespacePermissionRequiredException refused = null;
    // [snippet:registry-update]
    NexusEndpoint current = registry.get(paula, "payments");
    NexusEndpoint withAnalytics =
        current.toBuilder().addAllowedCallerNamespace("analytics").build();
    try {
      registry.update(dana, withAnalytics, current.getVersion()); // no Namespace Admin on payments
    } catch (NamespacePermissionRequiredException e) {
      refused = e; // names the missing permission (ADMIN) and namespace; nothing changed
    }
    // paula's update names the same expected version: dana's refused update changed nothing
    NexusEndpoint updated =
        registry.update(paula, withAnalytics, current.getVersion()); // version + 1
    registry.saveTo(registryFile); // atomic replace of the file other workers load
    // [/snippet]
    String refusal =
        refused == null
            ? "dana's update was accepted"
            : "dana refused: "
                + refused.getClass().getSimpleName()
                + " (missing "
                + refused.getRequired()
                + " on '"
                + refused.getNamespace()
                + "')";
    boolean refusedAsExpected =
        refused != null
            && refused.getNamespace().equals(PAYMENTS)
            && refused.getRequired() == NamespacePermission.ADMIN;
    boolean oneVersionMore = updated.getVersion() == current.getVersion() + 1;
    NexusEndpoint saved =
        RegistryFiles.load(registryFile).stream()
            .filter(e -> e.getName().equals(ENDPOINT))
            .findFirst()
            .orElseThrow();
    Checkout c = checkout(analytics, orderId("analytics-allowed"));
    boolean ok =
        refusedAsExpected && oneVersionMore && saved.equals(updated) && !c.result.wasDenied();
    String actual =
        refusal
            + "; paula (Namespace Admin on payments) added analytics: version "
            + current.getVersion()
            + " -> "
            + updated.getVersion()
            + ", saved to "
            + registryFile.getFileName()
            + "; analytics' checkout now "
            + (c.result.wasDenied()
                ? denialText(c)
                : "completes (receipt " + c.result.receipt().receiptId() + ")");
    return new ScenarioResult(6, "endpoint update under RBAC", expected, actual, ok);
  }

  /**
   * Scenario 7: a rogue party copies orders' identity token for the quote from orders' history and
   * sends it to the handler itself with a new request id and no link, first to the running handler
   * worker, then to a freshly started one (a new process: empty replay cache). Both are denied
   * before handler code runs.
   */
  public ScenarioResult replayedToken() {
    return DemoReplay.run(this);
  }

  /**
   * Scenario 8: in orders' history, FraudService's input and result are under the shared keyset
   * {@code fraud}, PaymentsService's under the pairwise key of orders and payments.
   */
  public ScenarioResult perServiceKey() {
    String expected =
        "FraudService payloads under the shared keyset 'fraud', PaymentsService payloads pairwise"
            + " (orders<->payments)";
    if (allowedOrderId == null) {
      return new ScenarioResult(8, "per-service key", expected, "scenario 1 did not run", false);
    }
    Map<String, Map<String, Integer>> byService = new TreeMap<>();
    for (Found f : data(ordersHistory())) {
      String service = f.contextField(SERVICE_FIELD);
      if (service.isEmpty()) {
        continue; // the workflow's own input and result: not a Nexus call
      }
      byService
          .computeIfAbsent(service, k -> new TreeMap<>())
          .merge(f.protection(), 1, Integer::sum);
    }
    Map<String, Integer> fraud = byService.getOrDefault("FraudService", Map.of());
    Map<String, Integer> payments = byService.getOrDefault("PaymentsService", Map.of());
    String pairwise = "pairwise(" + ORDERS + "<->" + PAYMENTS + ")";
    boolean ok =
        fraud.keySet().equals(java.util.Set.of("shared:" + WorkerSettings.FRAUD_KEYSET))
            && fraud.values().stream().mapToInt(Integer::intValue).sum() == 2
            && payments.keySet().equals(java.util.Set.of(pairwise))
            && payments.values().stream().mapToInt(Integer::intValue).sum() == 4;
    String actual = "in orders' history: FraudService " + fraud + ", PaymentsService " + payments;
    return new ScenarioResult(8, "per-service key", expected, actual, ok);
  }

  /**
   * Scenario 9: orders decrypts the pairwise payloads in its own history with its own keys, and
   * payments those in its own history with its keys; analytics, a third namespace with its own keys
   * and the same directory, decrypts none of orders' pairwise payloads.
   */
  public ScenarioResult eachSideReadsItsHistory() {
    String expected =
        "orders and payments each decrypt the pairwise payloads of their own history with their"
            + " own keys; a third namespace cannot";
    if (allowedOrderId == null) {
      return new ScenarioResult(
          9, "each side reads its own history", expected, "scenario 1 did not run", false);
    }
    List<Found> ordersPairwise = pairwiseOnly(ordersHistory());
    List<Found> paymentsPairwise = pairwiseOnly(paymentsHistory());
    DataConverter analyticsConverter = analytics.getClient().getOptions().getDataConverter();
    int ordersRead = decrypted(orders.getClient().getOptions().getDataConverter(), ordersPairwise);
    int paymentsRead = decrypted(handlerConverter, paymentsPairwise);
    int analyticsRead = decrypted(analyticsConverter, ordersPairwise);
    boolean ok =
        !ordersPairwise.isEmpty()
            && !paymentsPairwise.isEmpty()
            && ordersRead == ordersPairwise.size()
            && paymentsRead == paymentsPairwise.size()
            && analyticsRead == 0;
    String actual =
        "orders decrypted "
            + ordersRead
            + " of "
            + ordersPairwise.size()
            + " pairwise payloads of its history, payments "
            + paymentsRead
            + " of "
            + paymentsPairwise.size()
            + " of its own; analytics (own keys, same directory) "
            + analyticsRead
            + " of orders' "
            + ordersPairwise.size();
    return new ScenarioResult(9, "each side reads its own history", expected, actual, ok);
  }

  /**
   * Scenario 10: an orders worker whose registry states that endpoint {@code payments} protects
   * PaymentsService payloads with HPKE (the registry's per-service protection, which both its
   * interceptor and its codec follow), which the payments namespace does not accept (its directory
   * entry: pairwise and shared keyset {@code fraud}), is refused on the caller side at once, before
   * anything is sent.
   */
  public ScenarioResult notAcceptedProtection() {
    String expected =
        "DENIED PAYLOAD_PROTECTION_NOT_ACCEPTED on the caller side at once, nothing sent";
    WorkerSettings settings =
        callerSettings(ORDERS, "checkout-hpke")
            .setPayloadKeyPolicy(policy.toBuilder().setDefault(PayloadProtection.hpke()).build())
            .setOperationTimeout(SHORT_OPERATION_TIMEOUT)
            .build();
    NexusEndpoint hpkeEndpoint =
        endpoint().toBuilder()
            .putServicePayloadProtection("PaymentsService", PayloadProtection.hpke())
            .build();
    InMemoryEndpointRegistry hpkeRegistry =
        InMemoryEndpointRegistry.newBuilder()
            .addEndpoints(
                registry.listEndpoints().stream()
                    .map(e -> e.getName().equals(hpkeEndpoint.getName()) ? hpkeEndpoint : e)
                    .toList())
            .build();
    RunningWorker hpkeCaller = startCaller(settings, false, hpkeRegistry);
    long before = handlerCode.total();
    Checkout c = checkout(hpkeCaller, orderId("hpke"));
    long scheduled =
        countEvents(
            hpkeCaller.getClient(), c.workflowId, EventType.EVENT_TYPE_NEXUS_OPERATION_SCHEDULED);
    long ran = handlerCode.total() - before;
    boolean ok =
        c.result.deniedReason() == ReasonCode.PAYLOAD_PROTECTION_NOT_ACCEPTED
            && side(c.result).equals("caller")
            && scheduled == 0
            && ran == 0;
    String actual =
        denialText(c)
            + " after "
            + seconds(c.elapsed)
            + "; Nexus operations scheduled: "
            + scheduled
            + "; handler code runs: "
            + ran;
    return new ScenarioResult(
        10, "payload protection the handler does not accept", expected, actual, ok);
  }

  /** The work directory: development keys and the registry copy. */
  public Path getWorkDir() {
    return workDir;
  }

  /** The directory with the development keys. */
  public Path getKeyDirectory() {
    return keys.getDirectory();
  }

  /** Stops every worker and the server. Idempotent. */
  @Override
  public void close() {
    RuntimeException failure = null;
    while (!resources.isEmpty()) {
      try {
        resources.pop().close();
      } catch (Exception e) {
        if (failure == null) {
          failure = new IllegalStateException("demo shutdown failed", e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  // ------------------------------------------------------------------ for DemoReplay

  EmbeddedTemporal temporal() {
    return temporal;
  }

  OperationCounter handlerCode() {
    return handlerCode;
  }

  RunningWorker ordersWorker() {
    return orders;
  }

  String allowedWorkflowId() {
    return allowedOrderId == null ? null : checkoutWorkflowId(allowedOrderId);
  }

  /** Starts another handler worker on the endpoint's task queue: a fresh handler process. */
  RunningWorker startFreshHandler() {
    return startHandler();
  }

  /** Stops {@code worker} now (the old handler process goes away). */
  void stop(RunningWorker worker) {
    resources.remove(worker);
    worker.close();
  }

  RunningWorker handlerWorker() {
    return handler;
  }

  void setHandlerWorker(RunningWorker worker) {
    handler = worker;
  }

  // ------------------------------------------------------------------ helpers

  private interface Scenario {
    ScenarioResult run();
  }

  private static ScenarioResult guard(int number, String title, Scenario scenario) {
    try {
      return scenario.run();
    } catch (RuntimeException e) {
      return new ScenarioResult(
          number, title, "the scenario to run to the end", "error: " + describe(e), false);
    }
  }

  private static final class Checkout {
    final String workflowId;
    final CheckoutResult result;
    final Duration elapsed;

    Checkout(String workflowId, CheckoutResult result, Duration elapsed) {
      this.workflowId = workflowId;
      this.result = result;
      this.elapsed = elapsed;
    }
  }

  private Checkout checkout(RunningWorker caller, String orderId) {
    String workflowId = checkoutWorkflowId(orderId);
    CheckoutWorkflow workflow =
        caller
            .getClient()
            .newWorkflowStub(
                CheckoutWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setTaskQueue(caller.getSettings().getTaskQueue())
                    .setWorkflowId(workflowId)
                    .setWorkflowExecutionTimeout(
                        caller.getSettings().getOperationTimeout().plusSeconds(15))
                    .build());
    long start = System.nanoTime();
    CheckoutResult result = workflow.checkout(new Order(orderId, AMOUNT_CENTS, CURRENCY));
    return new Checkout(workflowId, result, Duration.ofNanos(System.nanoTime() - start));
  }

  private String orderId(String label) {
    return "order-" + label + "-" + runId;
  }

  private static String checkoutWorkflowId(String orderId) {
    return "checkout-" + orderId;
  }

  private List<Found> ordersHistory() {
    return scan(history(orders.getClient(), checkoutWorkflowId(allowedOrderId)));
  }

  private List<Found> paymentsHistory() {
    return scan(
        history(temporal.newWorkflowClient(PAYMENTS), ChargeWorkflow.workflowId(allowedOrderId)));
  }

  private static List<HistoryEvent> history(WorkflowClient client, String workflowId) {
    return client.fetchHistory(workflowId).getEvents();
  }

  private static long countEvents(WorkflowClient client, String workflowId, EventType type) {
    return history(client, workflowId).stream().filter(e -> e.getEventType() == type).count();
  }

  /** "caller" or "handler": which side's check denied the call, as the denial message says. */
  static String side(CheckoutResult r) {
    String message = String.valueOf(r.deniedMessage());
    if (message.contains("(caller side)")) {
      return "caller";
    }
    if (message.contains("(handler side)")) {
      return "handler";
    }
    return "unknown";
  }

  private static String denialText(Checkout c) {
    if (!c.result.wasDenied()) {
      return "not denied: checkout completed";
    }
    return "DENIED "
        + c.result.deniedReason()
        + " ("
        + side(c.result)
        + " side, "
        + c.result.deniedOperation()
        + ")";
  }

  // ------------------------------------------------------------------ the history scan

  /** One payload found in a history: where, and whether it belongs to an SDK version marker. */
  static final class Found {
    final String location;
    final Payload payload;
    final boolean versionMarker;

    Found(String location, Payload payload, boolean versionMarker) {
      this.location = location;
      this.payload = payload;
      this.versionMarker = versionMarker;
    }

    String metadata(String key) {
      return payload.getMetadataOrDefault(key, com.google.protobuf.ByteString.EMPTY).toStringUtf8();
    }

    /** A field of the payload's clear-text context entry, or empty if it has none. */
    String contextField(String name) {
      return TinkPayloadCodec.contextOf(payload).map(c -> c.get(name)).orElse("");
    }

    boolean isEncrypted() {
      return ENCRYPTED_ENCODING.equals(metadata("encoding"));
    }

    /** {@code shared:<keyset>}, {@code pairwise(<caller><-><handler>)}, or the scheme. */
    String protection() {
      String scheme = contextField(SCHEME_FIELD);
      if (scheme.startsWith("pairwise")) {
        return "pairwise(" + contextField(CALLER_FIELD) + "<->" + contextField(HANDLER_FIELD) + ")";
      }
      if (scheme.equals("tink-aead")) {
        return "shared:" + contextField(KEYSET_FIELD);
      }
      return scheme.isEmpty() ? metadata("encoding") : scheme;
    }
  }

  /** Every payload in {@code events}, found by walking each event's fields. */
  static List<Found> scan(List<HistoryEvent> events) {
    List<Found> found = new ArrayList<>();
    for (HistoryEvent event : events) {
      boolean marker =
          event.getEventType() == EventType.EVENT_TYPE_MARKER_RECORDED
              && SDK_VERSION_MARKER.equals(
                  event.getMarkerRecordedEventAttributes().getMarkerName());
      walk(event, event.getEventType().name(), marker, found);
    }
    return found;
  }

  private static void walk(Message message, String path, boolean marker, List<Found> found) {
    if (message instanceof Payload) {
      found.add(new Found(path, (Payload) message, marker));
      return;
    }
    for (Map.Entry<FieldDescriptor, Object> field : message.getAllFields().entrySet()) {
      FieldDescriptor d = field.getKey();
      if (d.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
        continue;
      }
      String child = path + "/" + d.getName();
      if (d.isRepeated()) {
        for (Object element : (List<?>) field.getValue()) {
          walk((Message) element, child, marker, found);
        }
      } else {
        walk((Message) field.getValue(), child, marker, found);
      }
    }
  }

  private static List<Found> data(List<Found> all) {
    List<Found> data = new ArrayList<>();
    for (Found f : all) {
      if (!f.versionMarker) {
        data.add(f);
      }
    }
    return data;
  }

  private static List<Found> pairwiseOnly(List<Found> all) {
    List<Found> pairwise = new ArrayList<>();
    for (Found f : all) {
      if (f.contextField(SCHEME_FIELD).startsWith("pairwise")) {
        pairwise.add(f);
      }
    }
    return pairwise;
  }

  private static List<Found> concat(List<Found> a, List<Found> b) {
    List<Found> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static boolean anyDataContains(List<Found> all, String text) {
    byte[] needle = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    for (Found f : all) {
      byte[] data = f.payload.getData().toByteArray();
      outer:
      for (int i = 0; i + needle.length <= data.length; i++) {
        for (int j = 0; j < needle.length; j++) {
          if (data[i + j] != needle[j]) {
            continue outer;
          }
        }
        return true;
      }
    }
    return false;
  }

  /** How many of {@code payloads} {@code converter} decrypts and reads. */
  private static int decrypted(DataConverter converter, List<Found> payloads) {
    int read = 0;
    for (Found f : payloads) {
      try {
        converter.fromPayload(f.payload, Object.class, Object.class);
        read++;
      } catch (RuntimeException e) {
        // not readable with this side's keys
      }
    }
    return read;
  }

  private static String encryptedCount(List<Found> found) {
    List<Found> data = data(found);
    long encrypted = data.stream().filter(Found::isEncrypted).count();
    return encrypted + " of " + data.size() + " payloads encrypted";
  }

  private static String money(long cents) {
    return String.format(Locale.ROOT, "%d.%02d %s", cents / 100, cents % 100, CURRENCY);
  }

  static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.2f s", d.toNanos() / 1e9);
  }

  static String describe(Throwable e) {
    StringBuilder sb = new StringBuilder();
    for (Throwable t = e;
        t != null && sb.length() < 400;
        t = t.getCause() == t ? null : t.getCause()) {
      if (sb.length() > 0) {
        sb.append(" <- ");
      }
      sb.append(t.getClass().getSimpleName());
      if (t.getMessage() != null && !(t instanceof WorkflowException)) {
        sb.append(": ").append(t.getMessage());
      }
    }
    return sb.toString();
  }

  private static void copy(Path from, Path to) {
    try {
      Files.copy(from, to);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot copy " + from + " to " + to, e);
    }
  }

  private static void writeString(Path target, String content) {
    try {
      Files.createDirectories(target.getParent());
      Files.writeString(target, content);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + target, e);
    }
  }

  private static void copyResource(String resource, Path target) {
    try (InputStream in = DemoScenarios.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("Resource " + resource + " is missing from the classpath");
      }
      Files.createDirectories(target.getParent());
      Files.copy(in, target);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot copy " + resource + " to " + target, e);
    }
  }
}
