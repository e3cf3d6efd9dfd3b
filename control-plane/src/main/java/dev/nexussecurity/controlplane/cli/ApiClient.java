package dev.nexussecurity.controlplane.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Calls the management API with a bearer token; API errors become {@link CliException}s. */
final class ApiClient {
  private static final String PATH = "/api/v1/nexus/endpoints";

  private final URI base;
  private final String token;
  private final HttpClient http;

  ApiClient(String server, String token, Path caFile) {
    URI u;
    try {
      u = URI.create(server.endsWith("/") ? server.substring(0, server.length() - 1) : server);
    } catch (IllegalArgumentException e) {
      throw new CliException(NexusSecurityCli.USAGE, "--server '" + server + "' is not a URL");
    }
    if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
      throw new CliException(
          NexusSecurityCli.USAGE,
          "--server must be an http(s) URL such as https://control-plane:8443");
    }
    this.base = u;
    this.token = token;
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
    if (caFile != null) {
      b.sslContext(trusting(caFile));
    }
    this.http = b.build();
  }

  Map<String, Object> get(String name) {
    return endpoint(send("GET", PATH + "/" + segment(name), null));
  }

  List<Map<String, Object>> list(String targetNamespace, String targetTaskQueue, int pageSize) {
    List<Map<String, Object>> all = new ArrayList<>();
    String token = "";
    do {
      StringBuilder q = new StringBuilder("?pageSize=").append(pageSize);
      if (targetNamespace != null) {
        q.append("&targetNamespaceId=").append(query(targetNamespace));
      }
      if (targetTaskQueue != null) {
        q.append("&targetTaskQueue=").append(query(targetTaskQueue));
      }
      if (!token.isEmpty()) {
        q.append("&pageToken=").append(query(token));
      }
      Map<String, Object> page = send("GET", PATH + q, null);
      all.addAll(Json.objects(page.get("endpoints")));
      Object next = page.get("nextPageToken");
      token = next == null ? "" : next.toString();
    } while (!token.isEmpty());
    return all;
  }

  Map<String, Object> create(Map<String, Object> spec) {
    return endpoint(send("POST", PATH, Map.of("spec", spec)));
  }

  Map<String, Object> update(String name, Map<String, Object> spec, String resourceVersion) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("spec", spec);
    body.put("resourceVersion", resourceVersion);
    return endpoint(send("POST", PATH + "/" + segment(name), body));
  }

  void delete(String name, String resourceVersion) {
    send("DELETE", PATH + "/" + segment(name) + "?resourceVersion=" + query(resourceVersion), null);
  }

  private static Map<String, Object> endpoint(Map<String, Object> answer) {
    return Json.object(answer.get("endpoint"));
  }

  private Map<String, Object> send(String method, String pathAndQuery, Object body) {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(URI.create(base + pathAndQuery))
            .timeout(Duration.ofSeconds(60))
            .header("Accept", "application/json");
    if (token != null) {
      r.header("Authorization", "Bearer " + token);
    }
    if (body != null) {
      r.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(Json.write(body)));
    } else {
      r.method(method, HttpRequest.BodyPublishers.noBody());
    }
    HttpResponse<String> response;
    try {
      response = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException e) {
      throw new CliException(
          NexusSecurityCli.UNAVAILABLE,
          "cannot connect to " + base + "; is the control plane running there? (--server)");
    } catch (IOException e) {
      throw new CliException(
          NexusSecurityCli.UNAVAILABLE, "calling " + base + " failed: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(NexusSecurityCli.FAILURE, "interrupted");
    }
    int status = response.statusCode();
    Map<String, Object> json;
    try {
      json = Json.read(response.body());
    } catch (IllegalArgumentException e) {
      json = Map.of();
    }
    if (status >= 200 && status < 300) {
      return json;
    }
    throw new CliException(exitCode(status), describe(status, json));
  }

  private static String describe(int status, Map<String, Object> json) {
    StringBuilder b = new StringBuilder();
    Object message = json.get("message");
    b.append(message == null ? "the server answered HTTP " + status : message.toString());
    b.append(" (");
    if (json.get("error") != null) {
      b.append(json.get("error")).append(", ");
    }
    b.append("HTTP ").append(status);
    if (json.get("requestId") != null) {
      b.append(", request ").append(json.get("requestId"));
    }
    b.append(')');
    for (Map<String, Object> f : Json.objects(json.get("fieldErrors"))) {
      b.append(System.lineSeparator())
          .append("  ")
          .append(f.get("field"))
          .append(": ")
          .append(f.get("message"));
    }
    return b.toString();
  }

  static int exitCode(int status) {
    return switch (status) {
      case 401 -> NexusSecurityCli.UNAUTHENTICATED;
      case 403 -> NexusSecurityCli.PERMISSION_DENIED;
      case 404 -> NexusSecurityCli.NOT_FOUND;
      case 409 -> NexusSecurityCli.CONFLICT;
      case 400, 413, 415 -> NexusSecurityCli.INVALID;
      default -> NexusSecurityCli.UNAVAILABLE;
    };
  }

  private static String segment(String name) {
    return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String query(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static SSLContext trusting(Path caFile) {
    try (InputStream in = Files.newInputStream(caFile)) {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      int i = 0;
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        trust.setCertificateEntry("ca-" + i++, c);
      }
      if (i == 0) {
        throw new CliException(
            NexusSecurityCli.USAGE, "--ca-file " + caFile + " holds no certificate");
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, tmf.getTrustManagers(), null);
      return ssl;
    } catch (IOException | GeneralSecurityException e) {
      throw new CliException(
          NexusSecurityCli.USAGE, "--ca-file " + caFile + " cannot be used: " + e.getMessage());
    }
  }

  /** A failure with the exit code it ends the command with. */
  static final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    CliException(int exitCode, String message) {
      super(message, null, false, false);
      this.exitCode = exitCode;
    }

    int exitCode() {
      return exitCode;
    }
  }
}
