package dev.nexussecurity.it.support;

import io.nexusrpc.Operation;
import io.nexusrpc.Service;

/**
 * The Nexus service the end-to-end tests call: two sync operations and two workflow-run operations.
 */
@Service
public interface ProbeService {
  /**
   * Sync: answers {@code "echo <input> from <handler namespace>"}. An input starting with {@link
   * ProbeServiceImpl#FAIL_ONCE_PREFIX} fails retryably (a plain exception) the first time it is
   * seen.
   */
  @Operation
  String echo(String input);

  /** Sync: answers {@code "again <input>"}; a second operation for scope tests. */
  @Operation
  String echoAgain(String input);

  /** Workflow-run: starts {@link HandlerWorkflows.Quick} with id {@code quick-<input>}. */
  @Operation
  String runWorkflow(String input);

  /**
   * Workflow-run: starts {@link HandlerWorkflows.Waiting} with id {@code waiting-<input>}, which
   * runs until it is released by a signal or cancelled.
   */
  @Operation
  String waitWorkflow(String input);
}
