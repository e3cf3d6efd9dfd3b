package dev.nexussecurity.core;

/** {@link ReplayStore#inMemory}, the default, meets the {@link ReplayStore} contract. */
class InMemoryReplayStoreContractTest extends ReplayStoreContractTest {
  @Override
  protected ReplayStore newStore(int quotaPerNamespace) {
    return ReplayStore.inMemory(quotaPerNamespace);
  }
}
