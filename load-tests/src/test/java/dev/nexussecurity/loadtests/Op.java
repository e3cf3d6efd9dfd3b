package dev.nexussecurity.loadtests;

/**
 * One operation of a run: a caller workflow in {@code namespace} that makes one Nexus call, and
 * what became of it (filled in by {@link OpRunner}).
 */
final class Op {
  final String id;
  final String namespace;
  final String endpoint;
  final String operation;
  final boolean secured;
  volatile long startMillis;
  volatile long endMillis;

  /** {@code OK <result>}, {@code DENIED <reason>}, {@code FAILED <why>}, or null while running. */
  volatile String outcome;

  Op(String id, String namespace, String endpoint, String operation, boolean secured) {
    this.id = id;
    this.namespace = namespace;
    this.endpoint = endpoint;
    this.operation = operation;
    this.secured = secured;
  }

  boolean isAllowed() {
    return outcome != null && outcome.startsWith("OK ");
  }

  boolean isDenied() {
    return outcome != null && outcome.startsWith("DENIED ");
  }

  /** The denial's reason code name, or null. */
  String reason() {
    return isDenied() ? outcome.substring("DENIED ".length()) : null;
  }

  /** Whether the result is the handler's answer to this very operation. */
  boolean resultMatches() {
    return isAllowed() && outcome.contains(":" + id);
  }

  @Override
  public String toString() {
    return id + " " + namespace + " " + endpoint + "/" + operation + " -> " + outcome;
  }
}
