package dev.nexussecurity.controlplane.internal;

import java.util.Map;

/**
 * One line of the server's audit log, whichever API wrote it: {@link AuditEvent} (codec API, CORS
 * refusals) or {@link EndpointAuditEvent} (endpoint management API, in the shape of Temporal
 * Cloud's audit log records). Records hold no payloads, tokens or key material by construction.
 */
public sealed interface AuditRecord permits AuditEvent, EndpointAuditEvent {
  /** The record as one JSON object (field order kept). */
  Map<String, Object> toJson();
}
