package dev.nexussecurity.loadtests;

import io.nexusrpc.Operation;
import io.nexusrpc.Service;

/** The Nexus service the load and soak tests call: one sync and one workflow-run operation. */
@Service
public interface LoadService {
  /** Sync operation: returns its input with the handler process's name. */
  @Operation
  String echo(String operationId);

  /** Workflow-run operation: starts {@link HandlerWorkflow} {@code h-<operationId>}. */
  @Operation
  String run(String operationId);
}
