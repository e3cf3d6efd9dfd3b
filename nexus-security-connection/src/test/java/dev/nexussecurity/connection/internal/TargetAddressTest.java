package dev.nexussecurity.connection.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexussecurity.connection.ConnectionSecurityException;
import dev.nexussecurity.connection.ConnectionSecurityException.Reason;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TargetAddressTest {

  // ---------------------------------------------------------------- accepted: literal host:port

  @ParameterizedTest(name = "{0} -> host {1}, port {2}, loopback {3}")
  @CsvSource({
    "localhost:7233, localhost, 7233, true",
    "127.0.0.1:7233, 127.0.0.1, 7233, true",
    "127.255.255.254:1, 127.255.255.254, 1, true",
    "127.0.0.2:65535, 127.0.0.2, 65535, true",
    "[::1]:7233, ::1, 7233, true",
    "[0:0:0:0:0:0:0:1]:7233, 0:0:0:0:0:0:0:1, 7233, true",
    "temporal.example.com:7233, temporal.example.com, 7233, false",
    "ns.a1b2c.tmprl.cloud:7233, ns.a1b2c.tmprl.cloud, 7233, false",
    "frontend:7233, frontend, 7233, false",
    "xn--bcher-kva.example:443, xn--bcher-kva.example, 443, false",
    "localhost.example.com:7233, localhost.example.com, 7233, false",
    "127.0.0.1.attacker.example:7233, 127.0.0.1.attacker.example, 7233, false",
    "128.0.0.1:7233, 128.0.0.1, 7233, false",
    "10.1.2.3:7233, 10.1.2.3, 7233, false",
    "0.0.0.0:7233, 0.0.0.0, 7233, false",
    "[::2]:7233, ::2, 7233, false",
    "[fe80::1]:7233, fe80::1, 7233, false",
    "[::127.0.0.1]:7233, ::127.0.0.1, 7233, false",
    // a DNS name: never loopback, whatever it resolves to, because only exact names count
    "LOCALHOST:7233, LOCALHOST, 7233, false",
    "LocalHost:7233, LocalHost, 7233, false",
    // a host name that gRPC would otherwise read as a URI scheme
    "dns:7233, dns, 7233, false",
    "unix:7233, unix, 7233, false"
  })
  void parse_literalHostAndPort_isAccepted(String target, String host, int port, boolean loopback) {
    TargetAddress address = TargetAddress.parse(target);
    assertThat(address.host()).isEqualTo(host);
    assertThat(address.port()).isEqualTo(port);
    assertThat(address.isLoopback()).isEqualTo(loopback);
    assertThat(address.target()).isEqualTo(target);
  }

  // ---------------------------------------------------------------- refused: everything else

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        // userinfo: gRPC connects to the host after '@'
        "localhost:7233@attacker.example | user information ('...@')",
        "localhost:7233@127.0.0.2 | user information ('...@')",
        "[::1]@x:7233 | user information ('...@')",
        "user@localhost:7233 | user information ('...@')",
        // schemes
        "dns:///localhost:7233 | URI scheme 'dns:'",
        "dns://8.8.8.8/127.0.0.1:7233 | URI scheme 'dns:'",
        "dns:localhost:7233 | URI scheme 'dns:'",
        "unix:///var/run/temporal.sock | URI scheme 'unix:'",
        "unix:/var/run/temporal.sock | URI scheme 'unix:'",
        "xds:///temporal.example.com | URI scheme 'xds:'",
        "https://temporal.example.com:7233 | URI scheme 'https:'",
        // paths, queries, fragments, escapes
        "localhost:7233/namespace | path",
        "/localhost:7233 | path",
        "localhost:7233?x=1 | query",
        "localhost:7233#frag | fragment",
        "localhost%3A7233 | percent-encoding",
        "%6c%6f%63%61%6c%68%6f%73%74:7233 | percent-encoding",
        "[::1%25lo]:7233 | percent-encoding",
        "localhost\\:7233 | backslash",
        // ports
        "localhost | no port",
        "127.0.0.1 | no port",
        "localhost: | port '' is not",
        "localhost:0 | port '0' is not",
        "localhost:65536 | port '65536' is not",
        "localhost:99999999999 | port '99999999999' is not",
        "localhost:07233 | port '07233' is not",
        "localhost:+7233 | port '+7233' is not",
        "localhost:72a3 | port '72a3' is not",
        // hosts
        ":7233 | host is empty",
        "[]:7233 | host is empty",
        "localhost.:7233 | trailing dot",
        ".localhost:7233 | empty label",
        "local..host:7233 | empty label",
        "-localhost:7233 | label",
        "localhost-:7233 | label",
        "local_host:7233 | 'local_host'",
        "2130706433:7233 | dotted-quad",
        "0177.0.0.1:7233 | dotted-quad",
        "127.000.000.001:7233 | dotted-quad",
        "127.1:7233 | dotted-quad",
        "127.0.0.256:7233 | dotted-quad",
        "127.0.0.1.:7233 | trailing dot",
        "0x7f.0.0.1:7233 | must start with a letter",
        "0x7f000001:7233 | must start with a letter",
        "::1:7233 | brackets",
        "::1 | brackets",
        "[::1:7233 | no closing ']'",
        "[::1]7233 | after ']'",
        "[127.0.0.1]:7233 | brackets are only for IPv6",
        "[::ffff:127.0.0.1]:7233 | IPv4-mapped",
        "[::ffff:7f00:1]:7233 | IPv4-mapped",
        "[::1::2]:7233 | not an IPv6 address",
        "[localhost]:7233 | not an IPv6 address",
        "[v1.fe80::1]:7233 | not an IPv6 address",
      })
  void parse_anythingButALiteralHostAndPort_isRefused(String target, String problem) {
    assertRefused(target, problem);
  }

  @Test
  void parse_whitespaceAnywhere_isRefused() {
    assertRefused(" localhost:7233", "whitespace");
    assertRefused("localhost:7233 ", "whitespace");
    assertRefused("localhost :7233", "whitespace");
    assertRefused("local\thost:7233", "\\u0009");
    assertRefused("localhost:7233\n", "\\u000A");
    assertRefused("localhost:7233\u00a0", "\\u00A0");
    assertRefused("localhost:\u20077233", "\\u2007");
  }

  @Test
  void parse_unicodeLookAlikes_areRefusedNamingTheCharacter() {
    // Cyrillic 'о' (U+043E) in place of the Latin 'o'
    assertRefused("l\u043ecalhost:7233", "U+043E");
    // fullwidth letters, which IDNA would fold to 'localhost'
    assertRefused("\uff4c\uff4f\uff43\uff41\uff4c\uff48\uff4f\uff53\uff54:7233", "U+FF4C");
    // ideographic full stop, which IDNA would fold to '.'
    assertRefused("127\u30020\u30020\u30021:7233", "U+3002");
    // fullwidth digits
    assertRefused("\uff11\uff12\uff17.0.0.1:7233", "U+FF11");
    // zero-width space and right-to-left override
    assertRefused("local\u200bhost:7233", "U+200B");
    assertRefused("\u202elocalhost:7233", "U+202E");
  }

  @Test
  void parse_overlongNames_areRefused() {
    String label64 = "a".repeat(64);
    assertRefused(label64 + ".example:7233", "longer than 63");
    String name254 = ("a".repeat(49) + ".").repeat(5) + "abcd"; // 5 * 50 + 4 = 254
    assertRefused(name254 + ":7233", "longer than 253");
  }

  @Test
  void parse_refusalMessage_escapesTheTargetAndShowsTheAcceptedForm() {
    assertThatThrownBy(() -> TargetAddress.parse("local\nhost:7233\u202e"))
        .isInstanceOf(ConnectionSecurityException.class)
        .hasMessageContaining("'local\\u000Ahost:7233\\u202E'")
        .hasMessageNotContaining("\n")
        .hasMessageNotContaining("\u202e");
  }

  // ---------------------------------------------------------------- what gRPC is given

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "localhost:7233, dns:///localhost:7233",
    "temporal.example.com:7233, dns:///temporal.example.com:7233",
    "dns:7233, dns:///dns:7233",
    "[::1]:7233, dns:///%5B::1%5D:7233"
  })
  void grpcTarget_isTheExplicitDnsUriSoNoHostIsReadAsAScheme(String target, String grpcTarget) {
    TargetAddress address = TargetAddress.parse(target);
    assertThat(address.grpcTarget()).isEqualTo(grpcTarget);
    ManagedChannel channel = NettyChannelBuilder.forTarget(address.grpcTarget()).build();
    try {
      // the authority gRPC verifies the server certificate against and sends as SNI
      assertThat(channel.authority()).isEqualTo(target);
    } finally {
      channel.shutdownNow();
    }
  }

  @Test
  void grpc_withASchemeLikeHostAndNoExplicitUri_misreadsTheTarget() {
    // Why grpcTarget() exists: given the bare target, gRPC takes "unix" for a URI scheme.
    assertThatThrownBy(() -> NettyChannelBuilder.forTarget("unix:7233").build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(TargetAddress.parse("unix:7233").grpcTarget()).isEqualTo("dns:///unix:7233");
  }

  /**
   * The attack behind the userinfo rule, against gRPC itself: a target that starts with {@code
   * localhost:} connects to the host after {@code @}, in clear text.
   */
  @Test
  void grpc_withUserinfoTarget_connectsToTheHostAfterTheAt() throws IOException {
    InetAddress elsewhere = InetAddress.getByName("127.0.0.2");
    try (ServerSocket listener = new ServerSocket()) {
      listener.bind(new InetSocketAddress(elsewhere, 0));
      String target = "localhost:7233@127.0.0.2:" + listener.getLocalPort();
      ManagedChannel channel = NettyChannelBuilder.forTarget(target).usePlaintext().build();
      try {
        Thread caller =
            new Thread(
                () -> {
                  try {
                    WorkflowServiceGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(10, TimeUnit.SECONDS)
                        .getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
                  } catch (RuntimeException expected) {
                    // the listener is not a gRPC server
                  }
                });
        caller.setDaemon(true);
        caller.start();
        listener.setSoTimeout(10_000);
        try (Socket accepted = listener.accept()) {
          assertThat(accepted.getLocalAddress()).isEqualTo(elsewhere);
        }
      } finally {
        channel.shutdownNow();
      }
      assertRefused(target, "user information ('...@')");
    }
  }

  @Test
  void parse_hostNameAndLabelAtExactlyTheirLimits_areAcceptedAndOneMoreIsRefused() {
    String label63 = "a".repeat(63);
    assertThat(TargetAddress.parse(label63 + ":1").host()).isEqualTo(label63);
    assertRefused("a".repeat(64) + ":1", "a label of the host name is longer than 63 characters");
    String name253 = (label63 + ".").repeat(3) + "a".repeat(61);
    assertThat(name253).hasSize(253);
    assertThat(TargetAddress.parse(name253 + ":1").host()).isEqualTo(name253);
    assertRefused(name253 + "a:1", "the host name is longer than 253 characters");
  }

  @Test
  void parse_characterAtTheEdgesOfPrintableAscii_isRefusedNamingWhatItIs() {
    assertRefused("a b:1", "it contains whitespace (U+0020");
    assertRefused("a\tb:1", "it contains whitespace (U+0009");
    assertRefused("a\u0001b:1", "it contains the control character U+0001");
    assertRefused("a\u007fb:1", "it contains the control character U+007F");
    assertRefused("\u0430:1", "it contains the non-ASCII character U+0430");
    assertRefused("\u0430:1", "look-alike letters are refused");
    assertRefused("a\u00a0b:1", "it contains whitespace (U+00A0");
    assertRefused("a!b:1", "is not a DNS name");
  }

  private static void assertRefused(String target, String problem) {
    assertThatThrownBy(() -> TargetAddress.parse(target))
        .isInstanceOfSatisfying(
            ConnectionSecurityException.class,
            e -> assertThat(e.getReason()).isEqualTo(Reason.INVALID_TARGET))
        .hasMessageContaining(problem)
        .hasMessageContaining("host:port")
        .hasMessageContaining("temporal.example.com:7233")
        .hasMessageContaining("[::1]:7233");
  }
}
