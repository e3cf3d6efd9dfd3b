package dev.nexussecurity.testing.support;

import io.nexusrpc.Operation;
import io.nexusrpc.Service;

/** A Nexus service with one sync operation and two workflow-run operations. */
@Service
public interface GreetingService {
  /** Sync: answers {@code "hello <name> from <handler namespace>"}. */
  @Operation
  String hello(String name);

  /** Workflow-run: starts {@link GreetingWorkflow} with id {@code greeting-<name>}. */
  @Operation
  String helloWorkflow(String name);

  /**
   * Workflow-run: starts {@link BlockingWorkflow} with id {@code blocking-<id>}, which waits for
   * cancel.
   */
  @Operation
  String waitForCancel(String id);
}
