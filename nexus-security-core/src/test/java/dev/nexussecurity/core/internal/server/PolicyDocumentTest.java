package dev.nexussecurity.core.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nexussecurity.api.NexusEndpoint;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyDocumentTest {
  static final Instant T = Instant.parse("2025-05-01T10:00:00Z");

  static NexusEndpoint endpoint(String... callers) {
    return NexusEndpoint.newBuilder()
        .setName("payments")
        .setTargetNamespace("handler-ns")
        .setTargetTaskQueue("handler-tq")
        .setAllowedCallerNamespaces(List.of(callers))
        .setVersion(3)
        .build();
  }

  @Test
  void equals_comparesAudienceEndpointAndIssueTime_andHashCodeFollows() {
    PolicyDocument d = new PolicyDocument("prod-eu", endpoint("orders-ns"), T);
    PolicyDocument same = new PolicyDocument("prod-eu", endpoint("orders-ns"), T);

    assertThat(d).isEqualTo(same).hasSameHashCodeAs(same).isNotEqualTo("prod-eu");
    assertThat(d).isNotEqualTo(new PolicyDocument("staging", endpoint("orders-ns"), T));
    assertThat(d).isNotEqualTo(new PolicyDocument("prod-eu", endpoint("evil-ns"), T));
    assertThat(d)
        .isNotEqualTo(new PolicyDocument("prod-eu", endpoint("orders-ns"), T.plusMillis(1)));
    assertThat(d.hashCode())
        .isNotEqualTo(new PolicyDocument("prod-eu", endpoint("evil-ns"), T).hashCode());
  }

  @Test
  void toString_namesAudienceEndpointAndIssueTime() {
    assertThat(new PolicyDocument("prod-eu", endpoint("orders-ns"), T).toString())
        .startsWith("PolicyDocument{audience=prod-eu, ")
        .contains("payments")
        .endsWith(", issuedAt=2025-05-01T10:00:00Z}");
  }
}
