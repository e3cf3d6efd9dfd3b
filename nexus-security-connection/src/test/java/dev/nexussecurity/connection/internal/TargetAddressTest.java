package dev.nexussecurity.connection.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TargetAddressTest {
  @ParameterizedTest(name = "{0} -> host {1}, loopback {2}")
  @CsvSource(
      nullValues = "null",
      value = {
        "localhost:7233, localhost, true",
        "localhost, localhost, true",
        "LocalHost:7233, LocalHost, true",
        "127.0.0.1:7233, 127.0.0.1, true",
        "127.255.255.254:1, 127.255.255.254, true",
        "[::1]:7233, ::1, true",
        "::1, ::1, true",
        "[0:0:0:0:0:0:0:1]:7233, 0:0:0:0:0:0:0:1, true",
        "dns:///localhost:7233, localhost, true",
        "dns://8.8.8.8/127.0.0.1:7233, 127.0.0.1, true",
        "temporal.example.com:7233, temporal.example.com, false",
        "localhost.example.com:7233, localhost.example.com, false",
        "127.0.0.1.nip.io:7233, 127.0.0.1.nip.io, false",
        "128.0.0.1:7233, 128.0.0.1, false",
        "10.1.2.3:7233, 10.1.2.3, false",
        "0.0.0.0:7233, 0.0.0.0, false",
        "127.1:7233, 127.1, false",
        "127.0.0.256:7233, 127.0.0.256, false",
        "[::2]:7233, ::2, false",
        "[fe80::1]:7233, fe80::1, false",
        "dns:///temporal.example.com:7233, temporal.example.com, false",
        "unix:///var/run/temporal.sock, null, false",
        "[::1, null, false",
        ":7233, null, false"
      })
  void parse_findsHostAndLoopbackWithoutResolvingNames(
      String target, String host, boolean loopback) {
    TargetAddress address = TargetAddress.parse(target);
    assertThat(address.getHost()).isEqualTo(host);
    assertThat(address.isLoopback()).isEqualTo(loopback);
    assertThat(address.getTarget()).isEqualTo(target);
  }
}
