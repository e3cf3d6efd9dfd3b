/**
 * The handler side of the example: the {@code payments} namespace's Nexus service ({@link
 * dev.nexussecurity.examples.payments.PaymentsService}), its handler and the workflow behind its
 * workflow-run operation. Nothing here is security code: NexusSecurity's interceptor checks every
 * request before it reaches these classes.
 */
package dev.nexussecurity.examples.payments;
