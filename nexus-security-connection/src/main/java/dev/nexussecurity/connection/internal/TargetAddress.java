package dev.nexussecurity.connection.internal;

import dev.nexussecurity.api.internal.UntrustedText;
import dev.nexussecurity.connection.ConnectionSecurityException;
import dev.nexussecurity.connection.ConnectionSecurityException.Reason;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A worker's frontend address, accepted only as a literal {@code host:port}: a DNS name, a
 * dotted-quad IPv4 address or a bracketed IPv6 address, and a port from 1 to 65535.
 *
 * <p>gRPC reads a target string as a URI first: {@code localhost:7233@attacker.example} is a
 * channel to {@code attacker.example} (the part before {@code @} is user information), {@code
 * dns:///host:port} and {@code unix:...} pick a name resolver, and a host name that equals a
 * registered scheme ({@code unix:7233}) is taken for that scheme. So every string that is not a
 * literal host and port is refused here, with the part that is wrong named, and gRPC is given
 * {@link #grpcTarget()}: the explicit {@code dns:///host:port} URI it would build itself for a host
 * and port, so it cannot read the host as anything else.
 *
 * <p>{@link #isLoopback()} is true for exactly {@code localhost}, an IPv4 address in {@code
 * 127.0.0.0/8} and the IPv6 address {@code ::1}. No name is resolved.
 */
public final class TargetAddress {
  /** The accepted form, shown in every refusal. */
  static final String ACCEPTED_FORM =
      "a literal host:port such as temporal.example.com:7233, 127.0.0.1:7233 or [::1]:7233 (a DNS"
          + " name, a dotted-quad IPv4 address or a bracketed IPv6 address, and a port from 1 to"
          + " 65535); set it as the profile key 'address', TEMPORAL_ADDRESS or setTarget(..)";

  private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*):(?=[/A-Za-z])");
  private static final Pattern PORT = Pattern.compile("[1-9][0-9]{0,4}");
  private static final Pattern DIGITS_AND_DOTS = Pattern.compile("[0-9.]+");
  private static final Pattern OCTET = Pattern.compile("0|[1-9][0-9]{0,2}");
  private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?");
  private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+");
  private static final int MAX_NAME_LENGTH = 253;
  private static final int MAX_LABEL_LENGTH = 63;

  private final String target;
  private final String host;
  private final int port;
  private final boolean loopback;

  private TargetAddress(String target, String host, int port, boolean loopback) {
    this.target = target;
    this.host = host;
    this.port = port;
    this.loopback = loopback;
  }

  /**
   * Parses {@code target}.
   *
   * @throws ConnectionSecurityException with {@link Reason#INVALID_TARGET} for anything but a
   *     literal host and port
   */
  public static TargetAddress parse(String target) {
    Objects.requireNonNull(target, "target");
    refuseCharacters(target);
    var scheme = SCHEME.matcher(target);
    if (scheme.find()) {
      throw refused(
          target,
          "a URI scheme '"
              + q(scheme.group(1))
              + ":' is not accepted (gRPC would pick a name resolver by it); give the host and"
              + " port alone");
    }
    if (target.indexOf('@') >= 0) {
      throw refused(
          target,
          "user information ('...@') is not accepted: gRPC connects to the host after '@', not"
              + " to the one before it");
    }
    refuseUriPart(target, '/', "a path ('/...')");
    refuseUriPart(target, '?', "a query ('?...')");
    refuseUriPart(target, '#', "a fragment ('#...')");
    refuseUriPart(target, '%', "percent-encoding ('%..')");
    refuseUriPart(target, '\\', "a backslash");

    String host;
    String port;
    if (target.startsWith("[")) {
      int close = target.indexOf(']');
      if (close < 0) {
        throw refused(target, "the IPv6 address has no closing ']'");
      }
      host = target.substring(1, close);
      String rest = target.substring(close + 1);
      if (!rest.startsWith(":")) {
        throw refused(target, "expected ':<port>' after ']', found '" + q(rest) + "'");
      }
      port = rest.substring(1);
      if (host.isEmpty()) {
        throw refused(target, "the host is empty");
      }
    } else {
      int colon = target.lastIndexOf(':');
      if (colon < 0) {
        throw refused(target, "there is no port");
      }
      host = target.substring(0, colon);
      port = target.substring(colon + 1);
      if (host.indexOf(':') >= 0) {
        throw refused(target, "an IPv6 address must be in brackets, as in [::1]:7233");
      }
      if (host.isEmpty()) {
        throw refused(target, "the host is empty");
      }
    }
    int portNumber = parsePort(target, port);
    boolean loopback =
        target.startsWith("[") ? isIpv6Loopback(target, host) : isLoopbackHost(target, host);
    return new TargetAddress(target, host, portNumber, loopback);
  }

  /** The target as given. */
  public String target() {
    return target;
  }

  /** The host: a DNS name, an IPv4 address, or an IPv6 address without brackets. */
  public String host() {
    return host;
  }

  /** The port, 1 to 65535. */
  public int port() {
    return port;
  }

  /** Whether the host is exactly {@code localhost}, in {@code 127.0.0.0/8}, or {@code ::1}. */
  public boolean isLoopback() {
    return loopback;
  }

  /**
   * The target for {@code ManagedChannelBuilder.forTarget}: the explicit DNS URI of this host and
   * port, as gRPC builds it for a bare {@code host:port} (its authority is the target as given).
   */
  public String grpcTarget() {
    try {
      return new URI("dns", "", "/" + target, null).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException("a validated target is a valid URI path: " + target, e);
    }
  }

  @Override
  public String toString() {
    return target;
  }

  private static void refuseCharacters(String target) {
    for (int i = 0; i < target.length(); ) {
      int cp = target.codePointAt(i);
      if (cp <= 0x20 || cp >= 0x7f) {
        String what =
            Character.isWhitespace(cp) || Character.isSpaceChar(cp)
                ? "whitespace (" + UntrustedText.codePoint(cp) + ")"
                : cp <= 0x7f
                    ? "the control character " + UntrustedText.codePoint(cp)
                    : "the non-ASCII character " + UntrustedText.codePoint(cp);
        String hint =
            cp > 0x7f
                ? " (look-alike letters are refused; write an internationalized name in its ASCII"
                    + " 'xn--' form)"
                : "";
        throw refused(target, "it contains " + what + " at index " + i + hint);
      }
      i += Character.charCount(cp);
    }
  }

  private static void refuseUriPart(String target, char c, String what) {
    if (target.indexOf(c) >= 0) {
      throw refused(target, what + " is not accepted");
    }
  }

  private static int parsePort(String target, String port) {
    if (PORT.matcher(port).matches()) {
      int value = Integer.parseInt(port);
      if (value <= 65535) {
        return value;
      }
    }
    throw refused(
        target,
        "the port '" + q(port) + "' is not a number from 1 to 65535 (decimal, no leading zero)");
  }

  private static boolean isIpv6Loopback(String target, String host) {
    if (!IPV6_CHARS.matcher(host).matches() || host.indexOf(':') < 0) {
      if (DIGITS_AND_DOTS.matcher(host).matches()) {
        throw refused(
            target, "brackets are only for IPv6 addresses; write an IPv4 address without them");
      }
      throw refused(target, "'" + q(host) + "' is not an IPv6 address");
    }
    InetAddress address;
    try {
      // A string with ':' is only ever parsed as an IPv6 literal, never looked up.
      address = InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw refused(target, "'" + q(host) + "' is not an IPv6 address");
    }
    if (address instanceof Inet4Address) {
      throw refused(
          target,
          "'"
              + q(host)
              + "' is an IPv4-mapped IPv6 address; write the IPv4 address "
              + address.getHostAddress()
              + " without brackets");
    }
    return address.isLoopbackAddress();
  }

  private static boolean isLoopbackHost(String target, String host) {
    if (host.endsWith(".")) {
      throw refused(target, "a trailing dot ('" + q(host) + "') is not accepted; leave it out");
    }
    if (DIGITS_AND_DOTS.matcher(host).matches()) {
      String[] octets = host.split("\\.", -1);
      boolean dottedQuad = octets.length == 4;
      for (String octet : octets) {
        dottedQuad &= OCTET.matcher(octet).matches() && Integer.parseInt(octet) <= 255;
      }
      if (!dottedQuad) {
        throw refused(
            target,
            "'"
                + q(host)
                + "' is not a dotted-quad IPv4 address (four decimal numbers from 0 to 255"
                + " without leading zeros, such as 127.0.0.1)");
      }
      return octets[0].equals("127");
    }
    checkDnsName(target, host);
    return host.equals("localhost");
  }

  private static void checkDnsName(String target, String host) {
    if (host.length() > MAX_NAME_LENGTH) {
      throw refused(target, "the host name is longer than " + MAX_NAME_LENGTH + " characters");
    }
    String[] labels = host.split("\\.", -1);
    for (String label : labels) {
      if (label.isEmpty()) {
        throw refused(target, "the host name '" + q(host) + "' has an empty label");
      }
      if (label.length() > MAX_LABEL_LENGTH) {
        throw refused(
            target, "a label of the host name is longer than " + MAX_LABEL_LENGTH + " characters");
      }
      if (!LABEL.matcher(label).matches()) {
        throw refused(
            target,
            "'"
                + q(host)
                + "' is not a DNS name: the label '"
                + q(label)
                + "' may hold only letters, digits and '-', and not begin or end with '-'");
      }
    }
    if (!Character.isLetter(labels[labels.length - 1].charAt(0))) {
      throw refused(
          target,
          "'"
              + q(host)
              + "' is neither a dotted-quad IPv4 address nor a DNS name (the last label of a DNS"
              + " name must start with a letter)");
    }
  }

  /** Parts of the target are printable ASCII once refuseCharacters passed; this bounds them. */
  private static String q(String part) {
    return UntrustedText.quote(part, 100);
  }

  private static ConnectionSecurityException refused(String target, String problem) {
    return new ConnectionSecurityException(
        Reason.INVALID_TARGET,
        "The target '"
            + UntrustedText.quote(target, 300)
            + "' is refused: "
            + problem
            + ". Give "
            + ACCEPTED_FORM
            + ".");
  }
}
