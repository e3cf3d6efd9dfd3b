package dev.nexussecurity.core.internal.registry;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * The top level of a registry file as written: the schema version, then the endpoints.
 *
 * <pre>{@code
 * {"schemaVersion": 1, "endpoints": [ ... ]}
 * }</pre>
 */
@JsonPropertyOrder({"schemaVersion", "endpoints"})
public record RegistryDocument(int schemaVersion, List<EndpointRecord> endpoints) {}
