package dev.nexussecurity.examples;

import dev.nexussecurity.api.AccountRole;
import dev.nexussecurity.api.CodecDescriptor;
import dev.nexussecurity.api.NamespacePermission;
import dev.nexussecurity.api.NamespacePermissionRequiredException;
import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.api.Principal;
import dev.nexussecurity.api.ReasonCode;
import dev.nexussecurity.core.CompatibilityReport;
import dev.nexussecurity.core.ConverterFingerprint;
import dev.nexussecurity.core.InMemoryEndpointRegistry;
import dev.nexussecurity.core.RegistryFiles;
import dev.nexussecurity.examples.orders.CheckoutWorkflow;
import dev.nexussecurity.examples.orders.CheckoutWorkflow.CheckoutResult;
import dev.nexussecurity.examples.orders.CheckoutWorkflow.Order;
import dev.nexussecurity.examples.payments.ChargeWorkflow;
import dev.nexussecurity.examples.payments.OperationCounter;
import dev.nexussecurity.examples.payments.PaymentsServiceImpl;
import dev.nexussecurity.testing.EmbeddedTemporal;
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
import java.util.Objects;
import java.util.UUID;

/**
 * The demo's six scenarios on one embedded Temporal server with true cross-namespace Nexus routing:
 * callers in {@code orders} (on the {@code payments} endpoint's allowlist) and {@code analytics}
 * (not on it), a handler worker in {@code payments}, all wired by {@link WorkerBootstrap} with keys
 * that {@link DevKeys} generated into the work directory and the registry copied from {@code
 * registry.json}.
 *
 * <pre>{@code
 * try (DemoScenarios demo = DemoScenarios.start(Files.createTempDirectory("demo"))) {
 *   for (ScenarioResult r : demo.runAll()) {
 *     System.out.println(r.toLine());
 *   }
 * }
 * }</pre>
 *
 * <p>Run the scenarios in order ({@link #runAll()}): the encrypted-histories scenario reads the
 * histories of the first, and the endpoint update changes the registry for whatever runs after it.
 */
public final class DemoScenarios implements AutoCloseable {
  public static final String ORDERS = "orders";
  public static final String ANALYTICS = "analytics";
  public static final String PAYMENTS = "payments";
  public static final String ENDPOINT = "payments";

  /** The sample registry on the classpath ({@code examples/config/registry.json}). */
  public static final String REGISTRY_RESOURCE = "/registry.json";

  private static final Duration OPERATION_TIMEOUT = WorkerSettings.DEFAULT_OPERATION_TIMEOUT;
  private static final long AMOUNT_CENTS = 12_000;
  private static final String CURRENCY = "EUR";

  private final Path workDir;
  private final Path registryFile;
  private final DevKeys keys;
  private final InMemoryEndpointRegistry registry;
  private final EmbeddedTemporal temporal;
  private final OperationCounter handlerCode = new OperationCounter();
  private final Deque<AutoCloseable> resources = new ArrayDeque<>();
  private final String runId = UUID.randomUUID().toString().substring(0, 8);
  private DataConverter handlerConverter;
  private RunningWorker orders;
  private RunningWorker analytics;
  private RunningWorker rogue;
  private String allowedOrderId;

  private DemoScenarios(Path workDir, String registryJson) {
    this.workDir = Objects.requireNonNull(workDir, "workDir");
    this.registryFile = workDir.resolve("registry.json");
    if (registryJson == null) {
      copyResource(REGISTRY_RESOURCE, registryFile);
    } else {
      writeString(registryFile, registryJson);
    }
    this.keys =
        DevKeys.generate(workDir.resolve("keys"), PAYMENTS, List.of(ORDERS, ANALYTICS), "payments");
    this.registry = WorkerBootstrap.loadRegistry(registryFile);
    this.temporal = EmbeddedTemporal.newBuilder().start();
    resources.push(temporal);
  }

  /**
   * Generates development keys into {@code workDir}, copies the sample registry there, starts the
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
    DemoScenarios demo = new DemoScenarios(workDir, registryJson);
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

    WorkerSettings handlerSettings =
        WorkerSettings.newBuilder()
            .setNamespace(payments.getTargetNamespace())
            .setTaskQueue(payments.getTargetTaskQueue())
            .setTrustStoreFile(keys.getTrustStoreFile())
            .setPayloadKeysetFile(keys.getPayloadKeysetFile())
            .build();
    handlerConverter = WorkerBootstrap.newDataConverter(handlerSettings);
    resources.push(
        WorkerBootstrap.startHandlerWorker(
            temporal.getWorkflowServiceStubs(),
            handlerSettings,
            registry,
            handlerConverter,
            new PaymentsServiceImpl(handlerCode)));

    orders = startCaller(callerSettings(ORDERS, "checkout").build(), true);
    analytics = startCaller(callerSettings(ANALYTICS, "analytics-checkout").build(), true);
    // A worker that skips the caller-side check: only the handler stands between it and payments.
    rogue =
        startCaller(
            callerSettings(ANALYTICS, "analytics-rogue").setEnforceOnCaller(false).build(), true);
  }

  private WorkerSettings.Builder callerSettings(String namespace, String taskQueue) {
    return WorkerSettings.newBuilder()
        .setNamespace(namespace)
        .setTaskQueue(taskQueue)
        .setSigningKeysetFile(keys.getSigningKeysetFile(namespace))
        .setPayloadKeysetFile(keys.getPayloadKeysetFile())
        .setEndpoint(ENDPOINT)
        .setOperationTimeout(OPERATION_TIMEOUT);
  }

  private RunningWorker startCaller(WorkerSettings settings, boolean checkConverters) {
    DataConverter converter = WorkerBootstrap.newDataConverter(settings);
    if (checkConverters) {
      WorkerBootstrap.requireCompatibleConverters(converter, handlerConverter);
    }
    RunningWorker worker =
        WorkerBootstrap.startCallerWorker(
            temporal.getWorkflowServiceStubs(), settings, registry, converter);
    resources.push(worker);
    return worker;
  }

  /** Runs the six scenarios in order; a scenario that throws is reported as failed. */
  public List<ScenarioResult> runAll() {
    List<ScenarioResult> results = new ArrayList<>();
    results.add(guard(1, "allowed caller", this::allowedCaller));
    results.add(guard(2, "caller not on the allowlist", this::callerNotOnAllowlist));
    results.add(guard(3, "rogue caller skipping its own check", this::rogueCaller));
    results.add(guard(4, "encrypted histories", this::encryptedHistories));
    results.add(guard(5, "caller with a payload key the handler lacks", this::missingPayloadKey));
    results.add(guard(6, "endpoint update under RBAC", this::endpointUpdate));
    return results;
  }

  /** Scenario 1: orders' quote (sync) and charge (workflow-run) succeed. */
  public ScenarioResult allowedCaller() {
    String expected = "orders' quote (sync) and charge (workflow-run) succeed";
    allowedOrderId = orderId("allowed");
    long before = handlerCode.total();
    Checkout c = checkout(orders, allowedOrderId);
    CheckoutResult r = c.result;
    if (r.wasDenied()) {
      return new ScenarioResult(1, "allowed caller", expected, denialText(c), false);
    }
    boolean ok =
        PAYMENTS.equals(r.quote().quotedBy())
            && PAYMENTS.equals(r.receipt().chargedIn())
            && ChargeWorkflow.workflowId(allowedOrderId).equals(r.receipt().workflowId())
            && r.quote().amountCents() == AMOUNT_CENTS
            && r.receipt().totalCents() == r.quote().amountCents() + r.quote().feeCents()
            && handlerCode.total() - before == 2;
    String actual =
        "quote "
            + money(r.quote().amountCents())
            + " + fee "
            + money(r.quote().feeCents())
            + " from "
            + r.quote().quotedBy()
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
   * Scenario 3: a caller that skips its own check is denied by the handler; no handler code runs.
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
    HistoryPayloads callerSide =
        HistoryPayloads.of(history(orders.getClient(), checkoutWorkflowId(allowedOrderId)));
    HistoryPayloads handlerSide =
        HistoryPayloads.of(
            history(
                temporal.newWorkflowClient(PAYMENTS), ChargeWorkflow.workflowId(allowedOrderId)));
    String keyId = // "<keyset name>/<key id>" of the key the handler's codec encrypts with
        ConverterFingerprint.of(handlerConverter).getCodecs().orElse(List.of()).stream()
            .findFirst()
            .flatMap(CodecDescriptor::getEncryptionKeyId)
            .orElse("?");
    int unencrypted = callerSide.getUnencrypted().size() + handlerSide.getUnencrypted().size();
    boolean wrongKey = false;
    List<HistoryPayloads.Found> all = new ArrayList<>(callerSide.getDataPayloads());
    all.addAll(handlerSide.getDataPayloads());
    for (HistoryPayloads.Found f : all) {
      String id =
          f.metadata(HistoryPayloads.KEYSET_METADATA).orElse("")
              + "/"
              + f.metadata(HistoryPayloads.KEY_ID_METADATA).orElse("");
      wrongKey |= f.isEncrypted() && !id.equals(keyId);
    }
    boolean plaintextSeen =
        callerSide.anyDataContains(allowedOrderId) || handlerSide.anyDataContains(allowedOrderId);
    boolean ok =
        !callerSide.getDataPayloads().isEmpty()
            && !handlerSide.getDataPayloads().isEmpty()
            && unencrypted == 0
            && !wrongKey
            && !plaintextSeen;
    String keyset = keyId.contains("/") ? keyId.substring(0, keyId.indexOf('/')) : "?";
    int markerFields =
        callerSide.getSdkVersionMarkerFields().size()
            + handlerSide.getSdkVersionMarkerFields().size();
    String actual =
        ORDERS
            + ": "
            + encryptedCount(callerSide)
            + ", "
            + PAYMENTS
            + ": "
            + encryptedCount(handlerSide)
            + "; encoding "
            + HistoryPayloads.ENCRYPTED_ENCODING
            + ", "
            + HistoryPayloads.KEYSET_METADATA
            + "="
            + keyset
            + ", "
            + HistoryPayloads.KEY_ID_METADATA
            + "="
            + keyId.substring(keyId.indexOf('/') + 1)
            + (wrongKey ? " (some payloads under another key!)" : "")
            + unencryptedText(callerSide, handlerSide)
            + "; order id readable in "
            + (plaintextSeen ? "SOME payloads" : "no payload")
            + (markerFields == 0
                ? ""
                : "; not counted: "
                    + markerFields
                    + " version-marker fields (change id, version), which Temporal's SDK always"
                    + " writes unencrypted");
    return new ScenarioResult(4, "encrypted histories", expected, actual, ok);
  }

  /**
   * Scenario 5: a caller whose keyset got a new primary key before the handler had it. The start-up
   * check refuses it; started anyway, its calls are denied at once with {@code
   * ENCRYPTION_KEY_UNAVAILABLE}.
   */
  public ScenarioResult missingPayloadKey() {
    String expected =
        "start-up check refuses it; started anyway, DENIED at once with ENCRYPTION_KEY_UNAVAILABLE"
            + " instead of a timeout";
    Path rotatedKeyset =
        keys.getDirectory()
            .resolve(DevKeys.DEV_ONLY_PREFIX + "payments-payload-keyset-new-key.json");
    DevKeys.writeWithNewPrimaryKey(keys.getPayloadKeysetFile(), rotatedKeyset);
    WorkerSettings settings =
        callerSettings(ORDERS, "checkout-new-key").setPayloadKeysetFile(rotatedKeyset).build();
    DataConverter converter = WorkerBootstrap.newDataConverter(settings);
    String startupCheck;
    boolean refused;
    try {
      WorkerBootstrap.requireCompatibleConverters(converter, handlerConverter);
      refused = false;
      startupCheck = "start-up check passed (unexpected)";
    } catch (IncompatibleConvertersException e) {
      refused = hasCause(e.getReport(), CompatibilityReport.Cause.KEY_UNAVAILABLE);
      startupCheck = "start-up check refused it (" + firstCause(e.getReport()) + ")";
    }
    RunningWorker newKeyCaller = startCaller(settings, false);
    long before = handlerCode.total();
    Checkout c = checkout(newKeyCaller, orderId("new-key"));
    long ran = handlerCode.total() - before;
    boolean ok =
        refused
            && c.result.deniedReason() == ReasonCode.ENCRYPTION_KEY_UNAVAILABLE
            && side(c.result).equals("handler")
            && ran == 0;
    String actual =
        startupCheck
            + "; started without the check: "
            + denialText(c)
            + " after "
            + seconds(c.elapsed)
            + " (operation timeout "
            + OPERATION_TIMEOUT.toSeconds()
            + " s); handler code runs: "
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
                    .setWorkflowExecutionTimeout(OPERATION_TIMEOUT.plusSeconds(15))
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

  private static List<HistoryEvent> history(WorkflowClient client, String workflowId) {
    return client.fetchHistory(workflowId).getEvents();
  }

  private static long countEvents(WorkflowClient client, String workflowId, EventType type) {
    return history(client, workflowId).stream().filter(e -> e.getEventType() == type).count();
  }

  /** "caller" or "handler": which side's check denied the call, as the denial message says. */
  private static String side(CheckoutResult r) {
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

  private static String encryptedCount(HistoryPayloads p) {
    int data = p.getDataPayloads().size();
    return (data - p.getUnencrypted().size()) + " of " + data + " payloads encrypted";
  }

  private static String unencryptedText(HistoryPayloads... histories) {
    StringBuilder sb = new StringBuilder();
    for (HistoryPayloads h : histories) {
      for (HistoryPayloads.Found f : h.getUnencrypted()) {
        sb.append(sb.length() == 0 ? "; NOT encrypted: " : ", ")
            .append(f.getLocation())
            .append(" (encoding '")
            .append(f.getEncoding())
            .append("')");
      }
    }
    return sb.toString();
  }

  private static boolean hasCause(CompatibilityReport report, CompatibilityReport.Cause cause) {
    return report.getFailures().stream().anyMatch(e -> e.getCause() == cause);
  }

  private static String firstCause(CompatibilityReport report) {
    return report.getFailures().isEmpty()
        ? "no failed probe"
        : report.getFailures().get(0).getCause()
            + " in "
            + report.getFailures().size()
            + " of "
            + report.getEntries().size()
            + " probes";
  }

  private static String money(long cents) {
    return String.format(Locale.ROOT, "%d.%02d %s", cents / 100, cents % 100, CURRENCY);
  }

  private static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.2f s", d.toNanos() / 1e9);
  }

  private static String describe(Throwable e) {
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
