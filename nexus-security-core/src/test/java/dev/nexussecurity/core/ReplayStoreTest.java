package dev.nexussecurity.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** {@link ReplayStore#inMemory}, and how {@link HandlerPolicy} carries a store. */
class ReplayStoreTest {
  @Test
  void replayStore_byDefault_isEmpty_eachInstanceRemembersInItsOwnMemory() {
    assertThat(HandlerPolicy.defaults().getReplayStore()).isEmpty();
    assertThat(HandlerPolicy.defaults().toString()).contains("replayStore=per worker in memory");
  }

  @Test
  void setReplayStore_isKept_byToBuilder_andCleared_byClearReplayStore() {
    ReplayStore shared = new SharedMapReplayStore(5);
    HandlerPolicy p = HandlerPolicy.newBuilder().setReplayStore(shared).build();

    assertThat(p.getReplayStore()).containsSame(shared);
    assertThat(p.toBuilder().build().getReplayStore()).containsSame(shared);
    assertThat(p.toBuilder().build()).isEqualTo(p).hasSameHashCodeAs(p);
    assertThat(p.toBuilder().clearReplayStore().build()).isEqualTo(HandlerPolicy.defaults());
  }

  @Test
  void equals_comparesStoresByIdentity() {
    HandlerPolicy a =
        HandlerPolicy.newBuilder().setReplayStore(new SharedMapReplayStore(5)).build();
    HandlerPolicy b =
        HandlerPolicy.newBuilder().setReplayStore(new SharedMapReplayStore(5)).build();

    assertThat(a).isNotEqualTo(b).isNotEqualTo(HandlerPolicy.defaults());
  }

  @Test
  void toString_namesTheStoreType_notItsContents() {
    ReplayStore store =
        new SharedMapReplayStore(5) {
          @Override
          public String toString() {
            return "jdbc:postgresql://replay?password=s3cret";
          }
        };

    String text = HandlerPolicy.newBuilder().setReplayStore(store).build().toString();

    assertThat(text).contains("replayStore=dev.nexussecurity.core.").doesNotContain("s3cret");
  }

  @Test
  void setReplayStore_null_isRejected_namingTheField() {
    assertThatThrownBy(() -> HandlerPolicy.newBuilder().setReplayStore(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("HandlerPolicy.replayStore");
  }

  @Test
  void inMemory_quotaBelowOne_isRejected_namingTheValue() {
    assertThatThrownBy(() -> ReplayStore.inMemory(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got 0");
  }
}
