/**
 * The caller side of the example: the {@code orders} namespace's checkout workflow, which calls
 * {@link dev.nexussecurity.examples.payments.PaymentsService} through a Nexus endpoint and turns a
 * nexus-security denial into a result with its reason code.
 */
package dev.nexussecurity.examples.orders;
