/** The control-plane server. */
package dev.nexussecurity.controlplane;
