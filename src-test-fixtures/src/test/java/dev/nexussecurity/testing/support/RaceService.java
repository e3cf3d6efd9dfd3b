package dev.nexussecurity.testing.support;

import io.nexusrpc.Operation;
import io.nexusrpc.Service;

/** A Nexus service whose one workflow-run operation ends at once, when told, or when cancelled. */
@Service
public interface RaceService {
  /**
   * Workflow-run: starts {@link RaceWorkflow} with id {@code race-<id>}.
   *
   * @param input {@code <id>:<mode>}, mode as in {@link RaceWorkflow#run}
   */
  @Operation
  String run(String input);
}
