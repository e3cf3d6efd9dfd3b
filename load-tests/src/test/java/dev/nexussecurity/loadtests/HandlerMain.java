package dev.nexussecurity.loadtests;

import dev.nexussecurity.api.AccessDecisionEvent;
import dev.nexussecurity.api.ReasonCode;
import dev.nexussecurity.api.SecurityAuditListener;
import dev.nexussecurity.core.NexusSecurity;
import dev.nexussecurity.core.server.ServerEndpointRegistry;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.common.converter.DataConverter;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.worker.WorkerOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A handler worker process: secured workers (nexus-security and the Tink codec) on {@link
 * Operations#SECURE_TQ} and plain workers on {@link Operations#PLAIN_TQ} of the handler namespace,
 * connected over TCP to the test's embedded server.
 *
 * <pre>{@code
 * NEXUS_SECURITY_LOAD_SEED=<hex> java -cp <test class path> dev.nexussecurity.loadtests.HandlerMain \
 *     <name> <127.0.0.1:port> <execution log file> <payload generation> <tuning> sticky|non-sticky
 * }</pre>
 *
 * <p>Prints {@code READY} once its workers poll. Reads commands from stdin, one per line: {@code
 * status} (prints one {@code STATUS key=value ...} line, after a full GC), {@code refresh-fail on}
 * / {@code off} (its registry's refreshes fail / work), {@code exit} (graceful shutdown).
 */
public final class HandlerMain {
  private HandlerMain() {}

  public static void main(String[] args) throws Exception {
    String name = args[0];
    String target = args[1];
    Path logFile = Path.of(args[2]);
    int payloadGeneration = Integer.parseInt(args[3]);
    SecuritySetup.Tuning tuning = SecuritySetup.Tuning.decode(args[4]);
    WorkerOptions workerOptions = LoadBed.workerOptions(args[5].equals("sticky"));
    SecuritySetup setup = SecuritySetup.fromEnvironment();
    HeapWatch heap = new HeapWatch();
    ExecutionLog log = new ExecutionLog(logFile, name);

    WorkflowServiceStubs stubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder()
                .setTarget(target)
                .validateAndBuildWithDefaults());
    FaultSwitch registryFaults = new FaultSwitch();
    OperatorServiceStubs registryStubs =
        OperatorServiceStubs.newServiceStubs(
            OperatorServiceStubsOptions.newBuilder()
                .setTarget(target)
                .setGrpcClientInterceptors(List.of(registryFaults))
                .validateAndBuildWithDefaults());
    ServerEndpointRegistry registry = setup.serverRegistry(registryStubs, tuning);

    AtomicLong allowed = new AtomicLong();
    AtomicLong denied = new AtomicLong();
    AtomicLong deniedStale = new AtomicLong();
    SecurityAuditListener counter =
        new SecurityAuditListener() {
          @Override
          public void onAccessDecision(AccessDecisionEvent event) {
            if (event.isAllowed()) {
              allowed.incrementAndGet();
            } else {
              denied.incrementAndGet();
              if (event.getReason() == ReasonCode.REGISTRY_STALE) {
                deniedStale.incrementAndGet();
              }
            }
          }
        };
    DataConverter converter = setup.converter(payloadGeneration);
    NexusSecurity security =
        setup.handlerSecurity(
            Operations.HANDLER_NS, registry, Operations.CALLERS, converter, counter, tuning);

    WorkerFactory secured =
        WorkerFactory.newInstance(
            WorkflowClient.newInstance(
                stubs,
                WorkflowClientOptions.newBuilder()
                    .setNamespace(Operations.HANDLER_NS)
                    .setDataConverter(converter)
                    .build()),
            WorkerFactoryOptions.newBuilder()
                .setWorkerInterceptors(security.getWorkerInterceptor())
                .build());
    Worker securedWorker = secured.newWorker(Operations.SECURE_TQ, workerOptions);
    securedWorker.registerNexusServiceImplementation(new LoadServiceImpl(log));
    securedWorker.registerWorkflowImplementationTypes(HandlerWorkflowImpl.class);

    WorkerFactory plain =
        WorkerFactory.newInstance(
            WorkflowClient.newInstance(
                stubs,
                WorkflowClientOptions.newBuilder()
                    .setNamespace(Operations.HANDLER_NS)
                    .setDataConverter(SecuritySetup.plainConverter())
                    .build()));
    Worker plainWorker = plain.newWorker(Operations.PLAIN_TQ, workerOptions);
    plainWorker.registerNexusServiceImplementation(new LoadServiceImpl(log));
    plainWorker.registerWorkflowImplementationTypes(HandlerWorkflowImpl.class);

    secured.start();
    plain.start();
    System.out.println("READY " + name);
    System.out.flush();

    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      switch (line.trim()) {
        case "status" -> {
          long afterGc = HeapWatch.usedAfterGc();
          System.out.println(
              "STATUS name="
                  + name
                  + " replayCache="
                  + SecuritySetup.replayCacheSize(security)
                  + " heapAfterGc="
                  + afterGc
                  + " heapPeak="
                  + heap.peakUsed()
                  + " allowed="
                  + allowed.get()
                  + " denied="
                  + denied.get()
                  + " deniedStale="
                  + deniedStale.get()
                  + " registryStale="
                  + registry.isStale());
        }
        case "refresh-fail on" -> {
          registryFaults.setFailing(true);
          System.out.println("OK refresh-fail on");
        }
        case "refresh-fail off" -> {
          registryFaults.setFailing(false);
          try {
            registry.refresh();
          } catch (RuntimeException e) {
            // the background refresh catches up
          }
          System.out.println("OK refresh-fail off");
        }
        case "exit" -> {
          secured.shutdown();
          plain.shutdown();
          secured.awaitTermination(10, TimeUnit.SECONDS);
          plain.awaitTermination(10, TimeUnit.SECONDS);
          registry.close();
          log.close();
          heap.close();
          System.out.println("BYE " + name);
          System.out.flush();
          System.exit(0);
        }
        default -> System.out.println("ERROR unknown command: " + line);
      }
      System.out.flush();
    }
    System.exit(0);
  }
}
