package dev.nexussecurity.core.internal.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AudienceTest {
  @Test
  void requireValid_returnsAClusterName() {
    assertThat(Audience.requireValid("X.audience", "prod-eu")).isEqualTo("prod-eu");
    assertThat(Audience.requireValid("X.audience", "a")).isEqualTo("a");
    assertThat(Audience.requireValid("X.audience", "9.staging_2")).isEqualTo("9.staging_2");
    assertThat(Audience.requireValid("X.audience", "a".repeat(100))).hasSize(100);
  }

  @Test
  void requireValid_refusesNullEmptyLongAndOddNames_namingTheSettingAndTheValue() {
    assertThatThrownBy(() -> Audience.requireValid("X.audience", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "X.audience must name the Temporal cluster (1 to 100 letters, digits, '.', '_' and '-',"
                + " starting with a letter or digit; for example 'prod-eu'), got null");
    assertThatThrownBy(() -> Audience.requireValid("X.audience", ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageEndingWith("got ''");
    assertThatThrownBy(() -> Audience.requireValid("X.audience", "a".repeat(101)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("X.audience must name the Temporal cluster");
    assertThatThrownBy(() -> Audience.requireValid("X.audience", "-prod"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageEndingWith("got '-prod'");
    assertThatThrownBy(() -> Audience.requireValid("X.audience", "prod eu\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageEndingWith("got 'prod eu\\u000A'");
  }
}
