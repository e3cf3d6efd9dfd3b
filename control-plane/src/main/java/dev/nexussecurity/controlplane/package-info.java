/**
 * The nexus-security control-plane server: {@link
 * dev.nexussecurity.controlplane.ControlPlaneServer} serves Temporal's remote codec protocol for
 * the Temporal UI and CLI, with OIDC or mTLS authentication, per-namespace authorization, CORS for
 * configured UI origins, limits, audit lines and metrics. Configuration reference and threat model:
 * the module's README.
 */
package dev.nexussecurity.controlplane;
