package dev.nexussecurity.core.internal.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.api.ReasonCode;
import dev.nexussecurity.api.internal.UntrustedText;
import dev.nexussecurity.core.EndpointArbitraries;
import dev.nexussecurity.core.HandlerPolicy;
import dev.nexussecurity.core.IdentityMode;
import dev.nexussecurity.core.MapRegistry;
import dev.nexussecurity.core.ReplayStore;
import dev.nexussecurity.core.keys.NamespaceKeyDirectory;
import dev.nexussecurity.core.keys.NamespaceKeys;
import dev.nexussecurity.core.keys.PairwiseKeys;
import io.nexusrpc.Link;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Properties of the handler's token check ({@link TokenVerifier} over tokens of {@link
 * TokenIssuer}): any header value is denied with a documented reason code, never an exception and
 * never ALLOW; every token issued for random valid claims (namespaces, endpoint, service and
 * operation names, Unicode workflow ids, lifetimes) is admitted with exactly those claims up to its
 * expiry plus the clock skew; any single-character edit of a valid token is denied.
 */
class TokenVerifierPropertiesTest {
  static final long NOW = 1_700_000_000_000L;
  static final String CALLER = "orders";
  static final String HANDLER = "payments";
  static final String TQ = "payments-tq";
  static final NamespaceKeys CALLER_KEYS = NamespaceKeys.generate(CALLER, true);
  static final NamespaceKeys HANDLER_KEYS = NamespaceKeys.generate(HANDLER, true);
  static final NamespaceKeyDirectory DIRECTORY =
      NamespaceKeyDirectory.newBuilder()
          .put(CALLER_KEYS.toPublicKeys())
          .put(HANDLER_KEYS.toPublicKeys())
          .build();
  static final TokenIssuer PAIRWISE_ISSUER =
      TokenIssuer.create(
          CALLER_KEYS, PairwiseKeys.create(CALLER_KEYS, DIRECTORY), IdentityMode.PAIRWISE);
  static final TokenIssuer SIGNATURE_ISSUER =
      TokenIssuer.create(
          CALLER_KEYS, PairwiseKeys.create(CALLER_KEYS, DIRECTORY), IdentityMode.SIGNATURE);

  /** The reasons the pre-decode stages give for a header that is not a valid token. */
  static final Set<ReasonCode> REFUSALS_OF_INVALID_TOKENS =
      EnumSet.of(ReasonCode.MALFORMED_TOKEN, ReasonCode.UNTRUSTED_CALLER, ReasonCode.BAD_SIGNATURE);

  static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  static TokenVerifier verifier(
      String handler, NamespaceKeys handlerKeys, NamespaceKeyDirectory dir, MapRegistry reg) {
    HandlerPolicy policy = HandlerPolicy.defaults();
    return new TokenVerifier(
        handler,
        PairwiseKeys.create(handlerKeys, dir),
        dir,
        reg,
        policy,
        ReplayStore.inMemory(policy.getReplayQuotaPerNamespace()),
        true);
  }

  static final TokenVerifier VERIFIER =
      verifier(
          HANDLER,
          HANDLER_KEYS,
          DIRECTORY,
          new MapRegistry()
              .put(
                  NexusEndpoint.newBuilder()
                      .setName("pay")
                      .setTargetNamespace(HANDLER)
                      .setTargetTaskQueue(TQ)
                      .setAllowedCallerNamespaces(List.of(CALLER))
                      .build()));

  static HandlerRequest request(String token) {
    return new HandlerRequest(token, "Payments", "charge", "pay", HANDLER, TQ, NOW);
  }

  static TokenClaims fixedWorldClaims(IdentityMode mode, String workflowId) {
    return new TokenClaims(
        mode,
        CALLER,
        HANDLER,
        TQ,
        "pay",
        "Payments",
        "charge",
        workflowId,
        "run-1",
        NOW,
        NOW + 3_600_000L,
        IdentityTokens.newTokenId(),
        0,
        0);
  }

  static String issue(TokenClaims c) throws TokenIssuer.TokenIssueException {
    return (c.mode() == IdentityMode.PAIRWISE ? PAIRWISE_ISSUER : SIGNATURE_ISSUER).issue(c);
  }

  // ---------------------------------------------------------------- any header value

  @Property(tries = 1000)
  void checkBeforeDecode_ofAnyHeader_isADocumentedDenial_neverAnExceptionNorAllow(
      @ForAll("headers") String header) {
    Verdict[] verdict = new Verdict[1];
    Throwable thrown =
        catchThrowable(() -> verdict[0] = VERIFIER.checkBeforeDecode(request(header)));
    assertThat(thrown).isNull();
    Verdict v = verdict[0];
    assertThat(v.isAllowed()).as("allowed: %s", header).isFalse();
    assertThat(v.reason()).isIn(REFUSALS_OF_INVALID_TOKENS);
    // The detail reaches audit lines and error messages: it says something, on one safe line.
    assertThat(v.detail()).isNotBlank();
    assertThat(UntrustedText.firstUnsafe(v.detail())).as(v.detail()).isNegative();
    if (v.reason() == ReasonCode.MALFORMED_TOKEN) {
      assertThat(v.claims()).isNull();
    } else {
      assertThat(v.claims()).isNotNull();
    }
  }

  @Property(tries = 200)
  void checkBeforeDecode_ofBytesReadAsAHeader_isADocumentedDenial(
      @ForAll("byteHeaders") byte[] bytes) {
    for (String header :
        List.of(
            new String(bytes, StandardCharsets.ISO_8859_1),
            new String(bytes, StandardCharsets.UTF_8))) {
      Verdict v = VERIFIER.checkBeforeDecode(request(header));
      assertThat(v.isAllowed()).isFalse();
      assertThat(v.reason()).isIn(REFUSALS_OF_INVALID_TOKENS);
    }
  }

  @Property(tries = 20)
  void checkBeforeDecode_ofNoHeader_isMissingToken() {
    Verdict v = VERIFIER.checkBeforeDecode(request(null));
    assertThat(v.reason()).isEqualTo(ReasonCode.MISSING_TOKEN);
    assertThat(v.claims()).isNull();
  }

  @Provide
  Arbitrary<String> headers() {
    Arbitrary<byte[]> bytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(120);
    Arbitrary<String> base64ish =
        Arbitraries.strings()
            .withCharRange('A', 'Z')
            .withCharRange('a', 'z')
            .withCharRange('0', '9')
            .withChars('-', '_', '.', '=', '+', '/', ' ', '\u0000', '\u00e9')
            .ofMaxLength(120);
    return Arbitraries.frequencyOf(
        Tuple.of(2, Arbitraries.strings().ofMaxLength(200)),
        Tuple.of(2, base64ish),
        Tuple.of(1, base64ish.map(s -> "v2." + s)),
        Tuple.of(
            2,
            Combinators.combine(bytes, bytes)
                .as((c, t) -> "v2." + B64.encodeToString(c) + "." + B64.encodeToString(t))),
        // claims that parse (or nearly), with a tag that is not theirs
        Tuple.of(4, Combinators.combine(claimsJson(), bytes).as(this::withTag)),
        // a valid token's signed part with another token's tag
        Tuple.of(
            2,
            Arbitraries.of(IdentityMode.values())
                .map(
                    mode -> {
                      String a = issueUnchecked(fixedWorldClaims(mode, "wf-a"));
                      String b = issueUnchecked(fixedWorldClaims(mode, "wf-b"));
                      return a.substring(0, a.lastIndexOf('.')) + b.substring(b.lastIndexOf('.'));
                    })),
        Tuple.of(1, Arbitraries.strings().withChars('a', '.').ofMinLength(4090).ofMaxLength(4200)),
        Tuple.of(1, Arbitraries.just("")));
  }

  @Provide
  Arbitrary<byte[]> byteHeaders() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
  }

  private String withTag(String claimsJson, byte[] tag) {
    return "v2."
        + B64.encodeToString(claimsJson.getBytes(StandardCharsets.UTF_8))
        + "."
        + B64.encodeToString(tag);
  }

  /** Claims objects: all fields with random values, some fields missing, extra or mistyped. */
  Arbitrary<String> claimsJson() {
    Arbitrary<String> text =
        Arbitraries.frequencyOf(
            Tuple.of(3, Arbitraries.of(CALLER, HANDLER, TQ, "pay", "Payments", "charge", "x")),
            Tuple.of(2, EndpointArbitraries.text(12)));
    Arbitrary<String> number =
        Arbitraries.frequencyOf(
            Tuple.of(3, Arbitraries.longs().map(l -> Long.toString(l))),
            Tuple.of(1, Arbitraries.of("-1", "4294967296", "1e3", "1.5", "\"7\"", "null")));
    Arbitrary<String> mode = Arbitraries.of("p", "s", "x", "");
    return Combinators.combine(
            mode,
            text.list().ofSize(9),
            number.list().ofSize(4),
            Arbitraries.integers().between(-1, 14),
            Arbitraries.of("", ",\"extra\":1", ",\"ns\":\"orders\""))
        .as(
            (m, texts, numbers, drop, extra) -> {
              String[] names = {"ns", "hns", "htq", "ep", "svc", "op", "wf", "run", "jti"};
              StringBuilder sb = new StringBuilder("{\"m\":\"").append(m).append('"');
              for (int i = 0; i < names.length; i++) {
                if (i + 1 != drop) {
                  sb.append(",\"").append(names[i]).append("\":").append(jsonString(texts.get(i)));
                }
              }
              String[] numeric = {"iat", "exp", "ck", "hk"};
              for (int i = 0; i < numeric.length; i++) {
                if (i + 10 != drop) {
                  sb.append(",\"").append(numeric[i]).append("\":").append(numbers.get(i));
                }
              }
              return sb.append(extra).append('}').toString();
            });
  }

  static String jsonString(String s) {
    StringBuilder sb = new StringBuilder("\"");
    s.codePoints()
        .forEach(
            cp -> {
              if (cp == '"' || cp == '\\' || cp < 0x20) {
                sb.append(String.format(Locale.ROOT, "\\u%04x", cp));
              } else {
                sb.appendCodePoint(cp);
              }
            });
    return sb.append('"').toString();
  }

  static String issueUnchecked(TokenClaims c) {
    try {
      return issue(c);
    } catch (TokenIssuer.TokenIssueException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---------------------------------------------------------------- round trip

  /** A random valid world: namespaces, endpoint, names, lifetimes, and when the handler checks. */
  record Call(
      IdentityMode mode,
      String caller,
      String handler,
      String taskQueue,
      String endpoint,
      String service,
      String operation,
      String workflowId,
      String runId,
      long issuedAt,
      long lifetime,
      long checkedAfter) {}

  @Property(tries = 100)
  void issue_thenVerify_admitsExactlyTheIssuedClaims_untilExpiryPlusSkew(@ForAll("calls") Call call)
      throws Exception {
    NamespaceKeys callerKeys = NamespaceKeys.generate(call.caller(), true);
    NamespaceKeys handlerKeys = NamespaceKeys.generate(call.handler(), true);
    NamespaceKeyDirectory dir =
        NamespaceKeyDirectory.newBuilder()
            .put(callerKeys.toPublicKeys())
            .put(handlerKeys.toPublicKeys())
            .build();
    MapRegistry registry =
        new MapRegistry()
            .put(
                NexusEndpoint.newBuilder()
                    .setName(call.endpoint())
                    .setTargetNamespace(call.handler())
                    .setTargetTaskQueue(call.taskQueue())
                    .setAllowedCallerNamespaces(List.of(call.caller()))
                    .build());
    TokenVerifier verifier = verifier(call.handler(), handlerKeys, dir, registry);
    TokenClaims claims =
        new TokenClaims(
            call.mode(),
            call.caller(),
            call.handler(),
            call.taskQueue(),
            call.endpoint(),
            call.service(),
            call.operation(),
            call.workflowId(),
            call.runId(),
            call.issuedAt(),
            call.issuedAt() + call.lifetime(),
            IdentityTokens.newTokenId(),
            0,
            0);
    String token =
        TokenIssuer.create(callerKeys, PairwiseKeys.create(callerKeys, dir), call.mode())
            .issue(claims);
    assertThat(token.length()).isLessThanOrEqualTo(IdentityTokens.MAX_TOKEN_CHARS);

    long now = call.issuedAt() + call.checkedAfter();
    Verdict before =
        verifier.checkBeforeDecode(
            new HandlerRequest(
                token,
                call.service(),
                call.operation(),
                call.endpoint(),
                call.handler(),
                call.taskQueue(),
                now));
    assertThat(before.isAllowed()).as(before.detail()).isTrue();
    assertThat(before.claims().withKeyIds(0, 0)).isEqualTo(claims);
    int expectedCallerKey =
        call.mode() == IdentityMode.PAIRWISE
            ? callerKeys.getAgreementKeys().getPrimary().getId()
            : callerKeys.getSignatureKeys().orElseThrow().getPrimary().getId();
    assertThat(before.claims().callerKeyId()).isEqualTo(expectedCallerKey);
    assertThat(before.claims().handlerKeyId())
        .isEqualTo(
            call.mode() == IdentityMode.PAIRWISE
                ? handlerKeys.getAgreementKeys().getPrimary().getId()
                : 0);

    List<Link> link = link(call.caller(), call.workflowId(), call.runId());
    Verdict start = verifier.checkStart(before.claims(), "req-1", link, now);
    assertThat(start.isAllowed()).as(start.detail()).isTrue();
    // the server's retry of the same start is admitted; the token with another request id is not
    assertThat(verifier.checkStart(before.claims(), "req-1", link, now).isAllowed()).isTrue();
    assertThat(verifier.checkStart(before.claims(), "req-2", link, now).reason())
        .isEqualTo(ReasonCode.TOKEN_REPLAYED);
  }

  @Provide
  Arbitrary<Call> calls() {
    Arbitrary<String> names = unicodeName(24);
    long skew = HandlerPolicy.defaults().getClockSkew().toMillis();
    long maxLifetime = HandlerPolicy.defaults().getMaxTokenLifetime().toMillis();
    Arbitrary<long[]> times =
        Combinators.combine(
                Arbitraries.longs().between(0, 4_000_000_000_000L),
                Arbitraries.frequencyOf(
                    Tuple.of(1, Arbitraries.longs().between(0, 10)),
                    Tuple.of(3, Arbitraries.longs().between(0, 2 * maxLifetime))),
                Arbitraries.doubles().between(0, 1),
                Arbitraries.of(0, 1, 2))
            .as(
                (iat, lifetime, fraction, edge) -> {
                  long last = Math.min(lifetime, maxLifetime) + skew;
                  long after =
                      switch (edge) {
                        case 0 -> -skew; // issued as far ahead as the skew allows
                        case 1 -> last; // the last millisecond the token is accepted
                        default -> -skew + (long) (fraction * (last + skew));
                      };
                  return new long[] {iat, lifetime, after};
                });
    return Combinators.combine(
            Arbitraries.of(IdentityMode.values()),
            EndpointArbitraries.namespaces(),
            EndpointArbitraries.namespaces(),
            EndpointArbitraries.names(),
            Combinators.combine(names, names, names, names, runIds()).as(List::of),
            times)
        .filter((m, c, h, e, n, t) -> !c.equalsIgnoreCase(h))
        .as(
            (mode, caller, handler, endpoint, n, t) ->
                new Call(
                    mode, caller, handler, n.get(0), endpoint, n.get(1), n.get(2), n.get(3),
                    n.get(4), t[0], t[1], t[2]));
  }

  /** Non-empty Unicode text without the characters claims refuse (control, format, bidi). */
  static Arbitrary<String> unicodeName(int maxCodePoints) {
    return EndpointArbitraries.text(maxCodePoints)
        .filter(s -> !s.isEmpty() && UntrustedText.firstUnsafe(s) < 0 && !s.startsWith("/_sys/"));
  }

  static Arbitrary<String> runIds() {
    return Arbitraries.frequencyOf(
        Tuple.of(2, Arbitraries.create(() -> java.util.UUID.randomUUID().toString())),
        Tuple.of(1, unicodeName(8)));
  }

  /** A server-built caller link, percent-encoding each part as the server does. */
  static List<Link> link(String ns, String workflowId, String runId) {
    return List.of(
        Link.newBuilder()
            .setUri(
                URI.create(
                    "temporal:///namespaces/"
                        + percent(ns)
                        + "/workflows/"
                        + percent(workflowId)
                        + "/"
                        + percent(runId)
                        + "/history?referenceType=EventReference&eventID=5"))
            .setType("temporal.api.common.v1.Link.WorkflowEvent")
            .build());
  }

  static String percent(String s) {
    StringBuilder sb = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'A' && c <= 'Z')
          || (c >= 'a' && c <= 'z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '.'
          || c == '_'
          || c == '~') {
        sb.append((char) c);
      } else {
        sb.append(String.format(Locale.ROOT, "%%%02X", c));
      }
    }
    return sb.toString();
  }

  @Property(tries = 40)
  void issue_withAClaimTheHandlerRefuses_isRefusedByTheIssuer_andAForgedOneByTheHandler(
      @ForAll("unsafeWorkflowIds") String workflowId) throws Exception {
    // A caller workflow id with a control, format or bidi character: the issuer refuses it at
    // once, naming the field; a token made with it anyway is refused by the handler before the
    // tag is checked, naming the claim. Neither message echoes the character.
    TokenClaims claims = fixedWorldClaims(IdentityMode.SIGNATURE, workflowId);
    assertThatThrownBy(() -> issue(claims))
        .isInstanceOfSatisfying(
            TokenIssuer.TokenIssueException.class,
            e -> {
              assertThat(e.isTooLarge()).isFalse();
              assertThat(e.getMessage())
                  .startsWith("the caller workflow id contains the character U+");
              assertThat(UntrustedText.firstUnsafe(e.getMessage())).isNegative();
            });

    String forged = IdentityTokens.assemble(IdentityTokens.signedPart(claims), new byte[69]);
    Verdict v = VERIFIER.checkBeforeDecode(request(forged));
    assertThat(v.reason()).isEqualTo(ReasonCode.MALFORMED_TOKEN);
    assertThat(v.detail()).contains("claim 'wf'");
    assertThat(UntrustedText.firstUnsafe(v.detail())).isNegative();
  }

  @Provide
  Arbitrary<String> unsafeWorkflowIds() {
    return Combinators.combine(
            Arbitraries.strings().alpha().ofMaxLength(5),
            Arbitraries.of(0x00, 0x1b, 0x7f, 0x85, 0xad, 0x200b, 0x200e, 0x202e, 0x2028, 0xfeff),
            Arbitraries.strings().alpha().ofMaxLength(5))
        .as((a, cp, b) -> a + new String(Character.toChars(cp)) + b);
  }

  // ---------------------------------------------------------------- single edits

  @Property(tries = 5)
  void theTokensThatAreEdited_areThemselvesAdmitted(@ForAll IdentityMode mode) {
    assertThat(VERIFIER.checkBeforeDecode(request(VALID.get(mode))).isAllowed()).isTrue();
  }

  record Edit(IdentityMode mode, int kind, double position, char replacement, int bit) {}

  static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

  /** One valid token per mode (the edits are what varies). */
  static final java.util.Map<IdentityMode, String> VALID =
      java.util.Map.of(
          IdentityMode.PAIRWISE,
          issueUnchecked(fixedWorldClaims(IdentityMode.PAIRWISE, "order-wf")),
          IdentityMode.SIGNATURE,
          issueUnchecked(fixedWorldClaims(IdentityMode.SIGNATURE, "order-wf")));

  @Property(tries = 1000)
  void anySingleCharacterEdit_ofAValidToken_isDenied(@ForAll("edits") Edit edit) {
    String token = VALID.get(edit.mode());
    int at = (int) (edit.position() * token.length());
    String edited =
        switch (edit.kind()) {
          case 0 -> token.substring(0, at) + edit.replacement() + token.substring(at + 1);
          case 1 -> token.substring(0, at) + token.substring(at + 1);
          case 2 -> token.substring(0, at) + edit.replacement() + token.substring(at);
          default -> {
            // flip one bit of the 6 a base64url character carries
            int sextet = ALPHABET.indexOf(token.charAt(at));
            yield sextet < 0
                ? token
                : token.substring(0, at)
                    + ALPHABET.charAt(sextet ^ (1 << edit.bit()))
                    + token.substring(at + 1);
          }
        };
    if (edited.equals(token)) {
      return;
    }
    Verdict v = VERIFIER.checkBeforeDecode(request(edited));
    assertThat(v.isAllowed()).as("edit %s admitted: %s", edit, edited).isFalse();
    assertThat(v.reason()).isIn(REFUSALS_OF_INVALID_TOKENS);
  }

  @Provide
  Arbitrary<Edit> edits() {
    Arbitrary<Character> chars =
        Arbitraries.frequencyOf(
            Tuple.of(
                6,
                Arbitraries.chars()
                    .range('A', 'Z')
                    .range('a', 'z')
                    .range('0', '9')
                    .with('-', '_', '.', '=')),
            Tuple.of(1, Arbitraries.chars()));
    // Every position, with extra weight on the last characters (where base64url hides bits).
    Arbitrary<Double> positions =
        Arbitraries.frequencyOf(
            Tuple.of(3, Arbitraries.doubles().between(0, 1).filter(d -> d < 1)),
            Tuple.of(1, Arbitraries.of(0.999999, 0.99)));
    return Combinators.combine(
            Arbitraries.of(IdentityMode.values()),
            Arbitraries.integers().between(0, 3),
            positions,
            chars,
            Arbitraries.integers().between(0, 5))
        .as(Edit::new);
  }
}
