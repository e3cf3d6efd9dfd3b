/**
 * Public types of nexus-security: the endpoint model, the read-only registry seen by workers, the
 * Cloud-style RBAC model, reason codes for access decisions, audit events and the codec description
 * SPI.
 *
 * <p>This package depends on nothing but the JDK, so that applications, tools and codecs can share
 * these types without pulling in Temporal or Tink.
 */
package dev.nexussecurity.api;
