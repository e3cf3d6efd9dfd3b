package dev.nexussecurity.controlplane.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Set;

/**
 * The server's metrics, in a Micrometer registry scraped in Prometheus text format from the
 * management listener's {@code /metrics}:
 *
 * <ul>
 *   <li>{@code controlplane_requests_total{action,namespace,status,reason}} — every answered
 *       request;
 *   <li>{@code controlplane_payloads_total{action,namespace}} — payloads encoded or decoded;
 *   <li>{@code controlplane_request_duration_seconds{action,outcome}} — time to answer;
 *   <li>{@code controlplane_endpoint_requests_total{operation,status,reason}} — every request of
 *       the endpoint management API and the browse page's logins, audited or not (changes are the
 *       2xx of {@code CreateNexusEndpoint}, {@code UpdateNexusEndpoint} and {@code
 *       DeleteNexusEndpoint}; refusals are the 4xx);
 *   <li>JVM memory, GC, thread and CPU metrics.
 * </ul>
 *
 * Tag values are bounded: namespaces are the configured ones (anything else is {@code other}),
 * reasons are the server's error codes. No principal is a tag.
 */
public final class ServerMetrics implements AutoCloseable {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Set<String> namespaces;
  private final JvmGcMetrics gc = new JvmGcMetrics();

  /** Metrics for a server serving {@code namespaces}. */
  public ServerMetrics(Set<String> namespaces) {
    this.namespaces = Set.copyOf(namespaces);
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
  }

  /** Records one answered request. */
  public void record(AuditEvent e) {
    String ns = e.resource() != null && namespaces.contains(e.resource()) ? e.resource() : "other";
    Counter.builder("controlplane.requests")
        .description("Requests answered, by action, namespace, status and reason")
        .tag("action", e.action())
        .tag("namespace", ns)
        .tag("status", Integer.toString(e.status()))
        .tag("reason", e.reason())
        .register(registry)
        .increment();
    if (e.status() == 200 && e.count() != null) {
      Counter.builder("controlplane.payloads")
          .description("Payloads encoded or decoded")
          .tag("action", e.action())
          .tag("namespace", ns)
          .register(registry)
          .increment(e.count());
    }
    Timer.builder("controlplane.request.duration")
        .description("Time to answer a request")
        .tag("action", e.action())
        .tag("outcome", e.outcome())
        .register(registry)
        .record(Duration.ofMillis(e.durationMillis()));
  }

  /** Records one answered request of the endpoint management API or the page's sessions. */
  public void record(EndpointAuditEvent e) {
    Counter.builder("controlplane.endpoint.requests")
        .description("Endpoint management requests answered, by operation, status and reason")
        .tag("operation", e.operation())
        .tag("status", Integer.toString(e.status()))
        .tag("reason", e.reason())
        .register(registry)
        .increment();
    Timer.builder("controlplane.request.duration")
        .description("Time to answer a request")
        .tag("action", e.operation())
        .tag("outcome", e.outcome())
        .register(registry)
        .record(Duration.ofMillis(e.durationMillis()));
  }

  /** The metrics in Prometheus text format. */
  public String scrape() {
    return registry.scrape();
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
