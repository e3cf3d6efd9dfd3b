/**
 * The {@code nexus-security} command-line client of the endpoint management API ({@link
 * dev.nexussecurity.controlplane.cli.NexusSecurityCli}), shipped as its own runnable jar with
 * picocli and Jackson only.
 */
package dev.nexussecurity.controlplane.cli;
