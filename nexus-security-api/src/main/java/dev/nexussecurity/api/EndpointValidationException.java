package dev.nexussecurity.api;

import dev.nexussecurity.api.internal.UntrustedText;

/**
 * Thrown when an endpoint field breaks a validation rule. The message names the endpoint (when
 * known), the field, the offending value (shortened when long) and the rule.
 *
 * <pre>{@code
 * try {
 *   NexusEndpoint.newBuilder().setName("bad_name");
 * } catch (EndpointValidationException e) {
 *   e.getField(); // "name"
 * }
 * }</pre>
 */
public final class EndpointValidationException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  private static final int MAX_VALUE_CHARS = 80;

  private final String endpointName;
  private final String field;
  private final String value;
  private final String rule;

  /**
   * @param endpointName the endpoint being built, or {@code null} when its name is not known yet
   * @param field the field that broke the rule
   * @param value the rejected value, or {@code null}
   * @param rule what the rule requires, phrased to follow the field name ("must not be empty")
   */
  public EndpointValidationException(String endpointName, String field, String value, String rule) {
    super(format(endpointName, field, value, rule));
    this.endpointName = endpointName;
    this.field = field;
    this.value = value;
    this.rule = rule;
  }

  private static String format(String endpointName, String field, String value, String rule) {
    StringBuilder sb = new StringBuilder("Invalid Nexus endpoint");
    if (endpointName != null) {
      sb.append(" '").append(UntrustedText.quote(endpointName, MAX_VALUE_CHARS)).append('\'');
    }
    sb.append(": field '").append(field).append('\'');
    if (value != null) {
      sb.append(" value '").append(UntrustedText.quote(value, MAX_VALUE_CHARS)).append('\'');
    }
    return sb.append(' ').append(rule).toString();
  }

  /** The endpoint being validated, or {@code null} when its name was not known. */
  public String getEndpointName() {
    return endpointName;
  }

  /** The field that broke the rule, e.g. {@code "targetTaskQueue"}. */
  public String getField() {
    return field;
  }

  /** The rejected value, or {@code null} when it was missing. */
  public String getValue() {
    return value;
  }

  /** The rule that was broken. */
  public String getRule() {
    return rule;
  }
}
