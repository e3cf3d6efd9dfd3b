package dev.nexussecurity.examples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ScenarioResultTest {
  @Test
  void toLine_saysPassOrFail_thenWhatWasExpectedAndWhatHappened() {
    assertThat(
            new ScenarioResult(2, "caller not on the allowlist", "a denial", "DENIED X", true)
                .toLine())
        .isEqualTo("PASS  2. caller not on the allowlist: expected a denial | got DENIED X");
    assertThat(new ScenarioResult(3, "rogue", "a denial", "completed", false).toLine())
        .isEqualTo("FAIL  3. rogue: expected a denial | got completed");
  }
}
