/**
 * Implementation of the control-plane server: configuration parsing and checks, codec provisioning
 * per namespace, authentication, claim mapping, limits, audit, metrics and the Jetty handlers. Not
 * part of the public API.
 */
package dev.nexussecurity.controlplane.internal;
