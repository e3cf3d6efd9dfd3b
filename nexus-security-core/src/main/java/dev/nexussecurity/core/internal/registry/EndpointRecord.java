package dev.nexussecurity.core.internal.registry;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * One endpoint as {@link RegistryJson} writes it to a registry file, field for field and in file
 * order.
 *
 * <pre>{@code
 * {"name": "payments", "targetNamespace": "payments-ns", "targetTaskQueue": "payments-nexus",
 *  "allowedCallerNamespaces": ["orders-ns"], "description": "", "version": 3}
 * }</pre>
 */
@JsonPropertyOrder({
  "name",
  "targetNamespace",
  "targetTaskQueue",
  "allowedCallerNamespaces",
  "description",
  "version"
})
public record EndpointRecord(
    String name,
    String targetNamespace,
    String targetTaskQueue,
    List<String> allowedCallerNamespaces,
    String description,
    long version) {

  /** The field names, in file order. */
  public static final List<String> FIELDS =
      List.of(
          "name",
          "targetNamespace",
          "targetTaskQueue",
          "allowedCallerNamespaces",
          "description",
          "version");
}
