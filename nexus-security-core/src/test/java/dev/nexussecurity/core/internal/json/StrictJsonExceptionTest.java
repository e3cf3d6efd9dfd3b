package dev.nexussecurity.core.internal.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;

class StrictJsonExceptionTest {
  @Test
  void getters_nameSourcePlaceAndProblemSeparately() throws Exception {
    JsonValue doc = StrictJson.parse("{\n  \"a\": {\"b\": 1}}", 1000, "registry file r.json");

    StrictJsonException e =
        catchThrowableOfType(() -> doc.field("a").field("b").asText(), StrictJsonException.class);

    assertThat(e.getSource()).isEqualTo("registry file r.json");
    assertThat(e.getPath()).isEqualTo("$.a.b");
    assertThat(e.getLine()).isEqualTo(2);
    assertThat(e.getColumn()).isEqualTo(14);
    assertThat(e.getProblem()).isEqualTo("must be a string, got a whole number");
    assertThat(e)
        .hasMessage(
            "registry file r.json, line 2 column 14 ($.a.b): must be a string, got a whole number");
  }

  @Test
  void getters_ofAnErrorWithoutAPlace_areEmptyAndZero() {
    StrictJsonException e =
        catchThrowableOfType(
            () -> StrictJson.parse("{}  ", 3, "state file s.json"), StrictJsonException.class);

    assertThat(e.getSource()).isEqualTo("state file s.json");
    assertThat(e.getPath()).isEmpty();
    assertThat(e.getLine()).isZero();
    assertThat(e.getColumn()).isZero();
    assertThat(e.getProblem()).isEqualTo("is 4 bytes, more than the limit of 3");
    assertThat(e).hasMessage("state file s.json: is 4 bytes, more than the limit of 3");
  }
}
