package dev.nexussecurity.connection.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.nexussecurity.connection.ConnectionSecurityException;
import java.net.URI;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Properties of connection target parsing ({@link TargetAddress}): any text is either a literal
 * host and port, or refused with {@link ConnectionSecurityException.Reason#INVALID_TARGET} and a
 * one-line message, never another exception; every DNS name, dotted-quad IPv4 address and bracketed
 * IPv6 address with a port 1-65535 is accepted with exactly that host and port.
 */
class TargetAddressPropertiesTest {

  @Property(tries = 1000)
  void parse_ofArbitraryText_isAHostAndPortOrInvalidTarget(@ForAll("targets") String target) {
    TargetAddress[] parsed = new TargetAddress[1];
    Throwable thrown = catchThrowable(() -> parsed[0] = TargetAddress.parse(target));
    if (thrown != null) {
      assertThat(thrown).isExactlyInstanceOf(ConnectionSecurityException.class);
      assertThat(((ConnectionSecurityException) thrown).getReason())
          .isEqualTo(ConnectionSecurityException.Reason.INVALID_TARGET);
      assertThat(thrown.getMessage()).matches("[\\x20-\\x7e]*");
      return;
    }
    TargetAddress a = parsed[0];
    assertThat(target).matches("[\\x21-\\x7e]+");
    assertThat(target).doesNotContain("/", "@", "?", "#", "%", "\\");
    assertThat(a.port()).isBetween(1, 65535);
    assertThat(a.target()).isEqualTo(target);
    String expected =
        target.startsWith("[") ? "[" + a.host() + "]:" + a.port() : a.host() + ":" + a.port();
    assertThat(target).isEqualTo(expected);
    URI uri = URI.create(a.grpcTarget());
    assertThat(uri.getScheme()).isEqualTo("dns");
    assertThat(uri.getPath()).isEqualTo("/" + target);
    assertThat(a.isLoopback())
        .isEqualTo(
            a.host().equals("localhost")
                // a dotted-quad in 127/8 only: a DNS name such as 127.example is not an address
                || (a.host().matches("[0-9.]+") && a.host().startsWith("127."))
                || (target.startsWith("[") && isIpv6Loopback(a.host())));
  }

  @Property(tries = 500)
  void parse_ofAValidHostAndPort_returnsThatHostAndPort(
      @ForAll("hosts") String host, @ForAll("ports") int port) {
    String target = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    TargetAddress a = TargetAddress.parse(target);
    assertThat(a.host()).isEqualTo(host);
    assertThat(a.port()).isEqualTo(port);
  }

  private static boolean isIpv6Loopback(String host) {
    try {
      return java.net.InetAddress.getByName(host).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  @Provide
  Arbitrary<Integer> ports() {
    return Arbitraries.integers().between(1, 65535);
  }

  @Provide
  Arbitrary<String> hosts() {
    Arbitrary<String> label =
        Combinators.combine(
                Arbitraries.strings().withCharRange('a', 'z').ofLength(1),
                Arbitraries.strings()
                    .withCharRange('a', 'z')
                    .withCharRange('0', '9')
                    .withChars('-')
                    .ofMaxLength(10),
                Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9').ofLength(1))
            .as((a, b, c) -> a + b + c);
    Arbitrary<String> dns = label.list().ofMinSize(1).ofMaxSize(4).map(l -> String.join(".", l));
    Arbitrary<String> ipv4 =
        Arbitraries.integers()
            .between(0, 255)
            .list()
            .ofSize(4)
            .map(l -> l.get(0) + "." + l.get(1) + "." + l.get(2) + "." + l.get(3));
    Arbitrary<String> ipv6 =
        Arbitraries.integers()
            .between(0, 0xffff)
            .list()
            .ofSize(8)
            .map(l -> String.join(":", l.stream().map(Integer::toHexString).toList()))
            .filter(s -> !s.startsWith("0:0:0:0:0:ffff:"));
    return Arbitraries.oneOf(dns, ipv4, ipv6, Arbitraries.of("localhost", "::1", "127.0.0.1"));
  }

  @Provide
  Arbitrary<String> targets() {
    Arbitrary<String> valid =
        Combinators.combine(hosts(), ports())
            .as((h, p) -> (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + p);
    Arbitrary<String> edited =
        Combinators.combine(
                valid,
                Arbitraries.integers().greaterOrEqual(0),
                Arbitraries.of(
                    ':', '.', '[', ']', '/', '@', '%', '0', '9', 'a', '-', ' ', '\u0430', '\n'),
                Arbitraries.of(0, 1, 2))
            .as(
                (t, at, c, kind) -> {
                  int i = at % (t.length() + 1);
                  return switch (kind) {
                    case 0 -> t.substring(0, i) + c + t.substring(i);
                    case 1 -> i < t.length() ? t.substring(0, i) + c + t.substring(i + 1) : t;
                    default -> i < t.length() ? t.substring(0, i) + t.substring(i + 1) : t;
                  };
                });
    return Arbitraries.frequencyOf(
        Tuple.of(4, edited),
        Tuple.of(1, valid),
        Tuple.of(1, Arbitraries.strings().withChars("[]:.0123456789abcdef-x/@%").ofMaxLength(16)),
        Tuple.of(1, Arbitraries.strings().all().ofMaxLength(16)),
        Tuple.of(
            1,
            Arbitraries.of(
                "",
                ":",
                ":7233",
                "host:",
                "host:0",
                "host:65536",
                "host:07233",
                "[::ffff:127.0.0.1]:7233",
                "[127.0.0.1]:7233",
                "[]:1",
                "[::1]",
                "[::1]x:1",
                "dns:///host:7233",
                "127.0.0.1.:7233",
                "1.2.3:7233",
                "a..b:1",
                "-a:1",
                "a".repeat(64) + ":1",
                ("a".repeat(60) + ".").repeat(5) + "a:1",
                "99999999999:1",
                "host:99999999999")));
  }
}
