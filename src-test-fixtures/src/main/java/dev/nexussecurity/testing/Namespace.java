package dev.nexussecurity.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names the namespace whose {@code WorkflowClient}, {@code WorkerFactory} or {@link TestNamespace}
 * a {@link NexusSecurityExtension} injects into a test, lifecycle or constructor parameter.
 *
 * <pre>{@code
 * @Test
 * void charge(
 *     @Namespace("orders-ns") WorkflowClient orders,
 *     @Namespace("payments-ns") WorkerFactory payments) { ... }
 * }</pre>
 *
 * <p>The namespace must have been declared with {@link
 * NexusSecurityExtension.Builder#addNamespace}; otherwise resolution fails with a {@code
 * ParameterResolutionException} that lists the declared namespaces.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Namespace {
  /** The declared namespace, e.g. {@code "orders-ns"}. */
  String value();
}
