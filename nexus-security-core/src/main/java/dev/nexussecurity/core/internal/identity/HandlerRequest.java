package dev.nexussecurity.core.internal.identity;

/**
 * What the handler knows of one Nexus request before its input is decoded: the identity header,
 * what the server says the request is for, and who this worker is.
 *
 * @param token the identity header value, or null when absent
 * @param reportedEndpoint the endpoint the server reports; empty or null when unknown
 */
public record HandlerRequest(
    String token,
    String service,
    String operation,
    String reportedEndpoint,
    String handlerNamespace,
    String handlerTaskQueue,
    long nowMillis) {}
