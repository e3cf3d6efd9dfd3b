package dev.nexussecurity.connection.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The host part of a gRPC target string and whether it is a loopback address. No name is resolved:
 * only {@code localhost} and literal loopback addresses count, because a name that resolves to a
 * loopback address today may resolve elsewhere tomorrow.
 */
public final class TargetAddress {
  private static final Pattern IPV4 =
      Pattern.compile(
          "^(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}$");
  private static final Pattern IPV6_CHARS = Pattern.compile("^[0-9a-fA-F:.]+$");

  private final String target;
  private final String host;

  private TargetAddress(String target, String host) {
    this.target = target;
    this.host = host;
  }

  /**
   * Parses {@code target} in the forms Temporal accepts: {@code host:port}, {@code host}, {@code
   * [ipv6]:port}, {@code dns:///host:port} and {@code dns://authority/host:port}. A target that
   * cannot be parsed keeps a null host and is never loopback.
   */
  public static TargetAddress parse(String target) {
    Objects.requireNonNull(target, "target");
    String rest = target.trim();
    int scheme = rest.indexOf("://");
    if (scheme >= 0) {
      String schemeName = rest.substring(0, scheme).toLowerCase(Locale.ROOT);
      if (!schemeName.equals("dns")) {
        return new TargetAddress(target, null);
      }
      rest = rest.substring(scheme + 3);
      int slash = rest.indexOf('/');
      if (slash < 0) {
        return new TargetAddress(target, null);
      }
      rest = rest.substring(slash + 1);
    }
    String host;
    if (rest.startsWith("[")) {
      int close = rest.indexOf(']');
      if (close < 0) {
        return new TargetAddress(target, null);
      }
      host = rest.substring(1, close);
    } else {
      int firstColon = rest.indexOf(':');
      int lastColon = rest.lastIndexOf(':');
      if (firstColon >= 0 && firstColon != lastColon) {
        host = rest; // unbracketed IPv6 literal without port
      } else if (lastColon >= 0) {
        host = rest.substring(0, lastColon);
      } else {
        host = rest;
      }
    }
    return new TargetAddress(target, host.isEmpty() ? null : host);
  }

  /** The target as given. */
  public String getTarget() {
    return target;
  }

  /** The host, or null when the target could not be parsed. */
  public String getHost() {
    return host;
  }

  /**
   * Whether the host is {@code localhost}, an IPv4 literal in 127.0.0.0/8 or the IPv6 literal
   * {@code ::1}.
   */
  public boolean isLoopback() {
    if (host == null) {
      return false;
    }
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    if (IPV4.matcher(host).matches()) {
      return host.startsWith("127.");
    }
    if (host.indexOf(':') >= 0 && IPV6_CHARS.matcher(host).matches()) {
      try {
        // A literal: getByName does not resolve anything for it.
        InetAddress address = InetAddress.getByName(host);
        return address.isLoopbackAddress();
      } catch (UnknownHostException e) {
        return false;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return target;
  }
}
