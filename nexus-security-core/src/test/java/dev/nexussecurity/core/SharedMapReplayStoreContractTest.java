package dev.nexussecurity.core;

/**
 * The tests' shared store ({@link SharedMapReplayStore}) meets the {@link ReplayStore} contract.
 */
class SharedMapReplayStoreContractTest extends ReplayStoreContractTest {
  @Override
  protected ReplayStore newStore(int quotaPerNamespace) {
    return new SharedMapReplayStore(quotaPerNamespace);
  }
}
