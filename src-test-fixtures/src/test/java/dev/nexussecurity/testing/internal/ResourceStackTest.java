package dev.nexussecurity.testing.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResourceStackTest {
  private final List<String> released = new ArrayList<>();
  private final ResourceStack stack = new ResourceStack();

  @Test
  void close_releasesInReverseOrderOnce() {
    stack.push("a", () -> released.add("a"));
    stack.push("b", () -> released.add("b"));

    stack.close();
    stack.close();

    assertThat(released).containsExactly("b", "a");
    assertThat(stack.isClosed()).isTrue();
  }

  @Test
  void close_withFailingReleases_releasesTheRestAndReportsAllFailures() {
    stack.push("a", () -> released.add("a"));
    stack.push(
        "b",
        () -> {
          throw new IllegalStateException("b broke");
        });
    stack.push(
        "c",
        () -> {
          throw new InterruptedException("c interrupted");
        });

    assertThatThrownBy(stack::close)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("failed to release c")
        .satisfies(e -> assertThat(e.getSuppressed()).hasSize(1))
        .satisfies(e -> assertThat(e.getSuppressed()[0]).hasMessage("b broke"));
    assertThat(released).containsExactly("a");
    assertThat(Thread.interrupted()).isTrue(); // restored by the stack; cleared here
  }

  @Test
  void closeQuietlyInto_attachesFailuresToThePrimaryError() {
    stack.push(
        "a",
        () -> {
          throw new IllegalStateException("a broke");
        });
    RuntimeException primary = new RuntimeException("start failed");

    stack.closeQuietlyInto(primary);

    assertThat(primary.getSuppressed()).hasSize(1);
    assertThat(primary.getSuppressed()[0]).hasMessageContaining("failed to release a");
  }

  @Test
  void push_afterClose_releasesAtOnceAndIsRejected() {
    stack.close();

    assertThatThrownBy(() -> stack.push("late", () -> released.add("late")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already closed; released late at once");
    assertThat(released).containsExactly("late");
  }
}
