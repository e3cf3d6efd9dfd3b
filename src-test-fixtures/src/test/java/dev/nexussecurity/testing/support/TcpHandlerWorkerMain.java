package dev.nexussecurity.testing.support;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import java.util.HashMap;
import java.util.Map;

/**
 * A handler worker process in the style of Temporal's samples: {@code -target-host HOST:PORT
 * -namespace NS -task-queue TQ}; serves {@link GreetingService} until killed.
 */
public final class TcpHandlerWorkerMain {
  private TcpHandlerWorkerMain() {}

  public static void main(String[] args) throws InterruptedException {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      options.put(args[i], args[i + 1]);
    }
    WorkflowServiceStubs service =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder()
                .setTarget(options.get("-target-host"))
                .build());
    WorkflowClient client =
        WorkflowClient.newInstance(
            service,
            WorkflowClientOptions.newBuilder().setNamespace(options.get("-namespace")).build());
    WorkerFactory factory = WorkerFactory.newInstance(client);
    Worker worker = factory.newWorker(options.get("-task-queue"));
    worker.registerNexusServiceImplementation(new GreetingServiceImpl(new HandlerInvocations()));
    worker.registerWorkflowImplementationTypes(GreetingWorkflow.Impl.class);
    factory.start();
    System.out.println("handler worker polling " + options.get("-namespace"));
    System.out.flush();
    Thread.currentThread().join(); // until the process is killed
  }
}
