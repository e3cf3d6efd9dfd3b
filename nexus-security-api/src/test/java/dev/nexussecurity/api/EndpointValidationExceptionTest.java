package dev.nexussecurity.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EndpointValidationExceptionTest {

  @Test
  void message_namesEndpointFieldValueAndRule() {
    EndpointValidationException e =
        new EndpointValidationException("payments", "targetTaskQueue", "/_sys/q", "is reserved");

    assertThat(e)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Invalid Nexus endpoint 'payments': field 'targetTaskQueue' value '/_sys/q' is"
                + " reserved");
    assertThat(e.getEndpointName()).isEqualTo("payments");
    assertThat(e.getField()).isEqualTo("targetTaskQueue");
    assertThat(e.getValue()).isEqualTo("/_sys/q");
    assertThat(e.getRule()).isEqualTo("is reserved");
  }

  @Test
  void message_withoutEndpointOrValue_leavesThemOut() {
    EndpointValidationException e =
        new EndpointValidationException(null, "name", null, "is required");

    assertThat(e).hasMessage("Invalid Nexus endpoint: field 'name' is required");
  }

  @Test
  void message_shortensLongValuesButKeepsTheFullValue() {
    String value = "x".repeat(500);

    EndpointValidationException e =
        new EndpointValidationException("p", "description", value, "is too long");

    assertThat(e.getMessage())
        .isEqualTo(
            "Invalid Nexus endpoint 'p': field 'description' value '"
                + "x".repeat(80)
                + "...(500 chars)' is too long");
    assertThat(e.getValue()).isEqualTo(value);
  }
}
