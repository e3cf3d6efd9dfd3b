/**
 * The nexus-security control-plane server: {@link
 * dev.nexussecurity.controlplane.ControlPlaneServer} serves Temporal's remote codec protocol for
 * the Temporal UI and CLI, and the Nexus endpoint registry's management API and browse page, with
 * OIDC or mTLS authentication, RBAC from token claims, CORS for configured UI origins, limits,
 * audit lines and metrics; {@link dev.nexussecurity.controlplane.cli.NexusSecurityCli} is the
 * registry's command-line client. Configuration reference, API and CLI reference, threat model: the
 * module's README.
 */
package dev.nexussecurity.controlplane;
