package dev.nexussecurity.core.internal.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.api.ReasonCode;
import dev.nexussecurity.core.HandlerPolicy;
import dev.nexussecurity.core.IdentityMode;
import dev.nexussecurity.core.MapRegistry;
import dev.nexussecurity.core.ReplayStore;
import dev.nexussecurity.core.keys.KeyDirectory;
import dev.nexussecurity.core.keys.NamespaceKeyDirectory;
import dev.nexussecurity.core.keys.NamespaceKeys;
import dev.nexussecurity.core.keys.NamespacePublicKeys;
import dev.nexussecurity.core.keys.PairwiseKeys;
import io.nexusrpc.Link;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Each stage of the handler's check, allowing and refusing with its reason code. */
class TokenVerifierTest {
  static final long NOW = 1_700_000_000_000L;
  static final long HOUR = 3_600_000L;
  static final String CALLER = "orders";
  static final String HANDLER = "payments";
  static final String OTHER = "audit";
  static final String TQ = "payments-tq";

  static NamespaceKeys callerKeys;
  static NamespaceKeys handlerKeys;
  static NamespaceKeys otherKeys;
  static NamespaceKeyDirectory directory;

  @BeforeAll
  static void keys() {
    callerKeys = NamespaceKeys.generate(CALLER, true);
    handlerKeys = NamespaceKeys.generate(HANDLER, true);
    otherKeys = NamespaceKeys.generate(OTHER, true);
    directory =
        NamespaceKeyDirectory.newBuilder()
            .put(callerKeys.toPublicKeys())
            .put(handlerKeys.toPublicKeys())
            .put(otherKeys.toPublicKeys())
            .build();
  }

  static NexusEndpoint endpoint(String... allowed) {
    return NexusEndpoint.newBuilder()
        .setName("pay")
        .setTargetNamespace(HANDLER)
        .setTargetTaskQueue(TQ)
        .setAllowedCallerNamespaces(List.of(allowed))
        .build();
  }

  static TokenClaims claims(IdentityMode mode, String caller) {
    return new TokenClaims(
        mode,
        caller,
        HANDLER,
        TQ,
        "pay",
        "Payments",
        "charge",
        "order-wf",
        "run-1",
        NOW,
        NOW + HOUR,
        IdentityTokens.newTokenId(),
        0,
        0);
  }

  static String issue(NamespaceKeys keys, NamespaceKeyDirectory dir, TokenClaims c)
      throws Exception {
    return TokenIssuer.create(keys, PairwiseKeys.create(keys, dir), c.mode()).issue(c);
  }

  static String issue(TokenClaims c) throws Exception {
    return issue(callerKeys, directory, c);
  }

  static TokenVerifier verifier(MapRegistry registry, HandlerPolicy policy) {
    return verifier(registry, policy, directory);
  }

  static TokenVerifier verifier(
      MapRegistry registry, HandlerPolicy policy, NamespaceKeyDirectory dir) {
    return new TokenVerifier(
        HANDLER,
        PairwiseKeys.create(handlerKeys, dir),
        dir,
        registry,
        policy,
        policy
            .getReplayStore()
            .orElseGet(() -> ReplayStore.inMemory(policy.getReplayQuotaPerNamespace())),
        true);
  }

  static TokenVerifier verifier() {
    return verifier(new MapRegistry().put(endpoint(CALLER, OTHER)), HandlerPolicy.defaults());
  }

  static HandlerRequest request(String token) {
    return request(token, NOW);
  }

  static HandlerRequest request(String token, long now) {
    return new HandlerRequest(token, "Payments", "charge", "pay", HANDLER, TQ, now);
  }

  static List<Link> link(String ns, String wf, String run) {
    return List.of(
        Link.newBuilder()
            .setUri(
                URI.create(
                    "temporal:///namespaces/"
                        + ns
                        + "/workflows/"
                        + wf
                        + "/"
                        + run
                        + "/history?referenceType=EventReference&eventID=5"))
            .setType("temporal.api.common.v1.Link.WorkflowEvent")
            .build());
  }

  static List<Link> callerLink() {
    return link(CALLER, "order-wf", "run-1");
  }

  @ParameterizedTest
  @EnumSource(IdentityMode.class)
  void verify_withValidToken_isAllowed_inEachMode(IdentityMode mode) throws Exception {
    TokenVerifier v = verifier();
    TokenClaims c = claims(mode, CALLER);
    Verdict before = v.checkBeforeDecode(request(issue(c)));
    assertThat(before.isAllowed()).as(before.detail()).isTrue();
    assertThat(before.claims().tokenId()).isEqualTo(c.tokenId());
    assertThat(v.checkStart(before.claims(), "req-1", callerLink(), NOW).isAllowed()).isTrue();
  }

  @Test
  void verify_withoutToken_isDenied_missingToken() {
    assertThat(verifier().checkBeforeDecode(request(null)).reason())
        .isEqualTo(ReasonCode.MISSING_TOKEN);
  }

  @Test
  void verify_withVersion1Token_isDenied_malformed_namingTheVersion() {
    Verdict v = verifier().checkBeforeDecode(request("v1.e30.AAAA"));
    assertThat(v.reason()).isEqualTo(ReasonCode.MALFORMED_TOKEN);
    assertThat(v.detail()).contains("version 1 tokens are no longer accepted");
  }

  @ParameterizedTest
  @EnumSource(IdentityMode.class)
  void verify_withForgedClaims_isDenied_badSignature(IdentityMode mode) throws Exception {
    String token = issue(claims(mode, CALLER));
    String[] parts = token.split("\\.");
    String json =
        new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
            .replace("\"op\":\"charge\"", "\"op\":\"refund\"");
    String forged =
        parts[0]
            + "."
            + Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(json.getBytes(StandardCharsets.UTF_8))
            + "."
            + parts[2];
    Verdict v =
        verifier()
            .checkBeforeDecode(
                new HandlerRequest(forged, "Payments", "refund", "pay", HANDLER, TQ, NOW));
    assertThat(v.reason()).isEqualTo(ReasonCode.BAD_SIGNATURE);
  }

  @Test
  void verify_withCallerMissingFromDirectory_isDenied_untrustedCaller() throws Exception {
    NamespaceKeyDirectory withoutCaller = directory.toBuilder().remove(CALLER).build();
    Verdict v =
        verifier(new MapRegistry().put(endpoint(CALLER)), HandlerPolicy.defaults(), withoutCaller)
            .checkBeforeDecode(request(issue(claims(IdentityMode.PAIRWISE, CALLER))));
    assertThat(v.reason()).isEqualTo(ReasonCode.UNTRUSTED_CALLER);
    assertThat(v.detail()).contains(CALLER);
  }

  /** A key directory whose source went stale: it finds nothing and says so. */
  static final class StaleDirectory implements KeyDirectory {
    @Override
    public Optional<NamespacePublicKeys> findNamespace(String namespace) {
      return Optional.empty();
    }

    @Override
    public Set<String> getNamespaces() {
      return Set.of();
    }

    @Override
    public boolean isStale() {
      return true;
    }

    @Override
    public String describeMissing(String namespace) {
      return "the key directory is stale (REGISTRY_STALE)";
    }
  }

  @ParameterizedTest
  @EnumSource(IdentityMode.class)
  void verify_withAStaleKeyDirectory_isDenied_registryStale_notUntrustedCaller(IdentityMode mode)
      throws Exception {
    KeyDirectory stale = new StaleDirectory();
    MapRegistry registry = new MapRegistry().put(endpoint(CALLER));
    TokenVerifier v =
        new TokenVerifier(
            HANDLER,
            PairwiseKeys.create(handlerKeys, stale),
            stale,
            registry,
            HandlerPolicy.defaults(),
            ReplayStore.inMemory(HandlerPolicy.defaults().getReplayQuotaPerNamespace()),
            true);

    Verdict verdict = v.checkBeforeDecode(request(issue(claims(mode, CALLER))));

    assertThat(verdict.reason()).isEqualTo(ReasonCode.REGISTRY_STALE);
    assertThat(verdict.detail()).contains("the key directory is stale");
  }

  @ParameterizedTest
  @EnumSource(IdentityMode.class)
  void verify_withRevokedCallerKey_isDenied_untrustedCaller(IdentityMode mode) throws Exception {
    int revoked =
        mode == IdentityMode.PAIRWISE
            ? callerKeys.getAgreementKeys().getPrimary().getId()
            : callerKeys.getSignatureKeys().orElseThrow().getPrimary().getId();
    // The caller rotated to a new primary key and revoked the one its worker still uses.
    com.google.crypto.tink.KeysetHandle rotated =
        dev.nexussecurity.core.internal.keys.TinkKeysets.withNewKey(
            callerKeys.getAgreementKeys(),
            dev.nexussecurity.core.internal.keys.TinkKeysets.Kind.AGREEMENT,
            true);
    NamespaceKeyDirectory revokedDir =
        directory.toBuilder()
            .put(
                callerKeys.toPublicKeys().toBuilder()
                    .setAgreementKeys(rotated.getPublicKeysetHandle())
                    .addRevokedKeyId(revoked)
                    .build())
            .build();
    Verdict v =
        verifier(new MapRegistry().put(endpoint(CALLER)), HandlerPolicy.defaults(), revokedDir)
            .checkBeforeDecode(request(issue(claims(mode, CALLER))));
    assertThat(v.reason()).isEqualTo(ReasonCode.UNTRUSTED_CALLER);
    assertThat(v.detail()).contains("revoked");
  }

  @Test
  void verify_withTokenMacedUnderAnotherPairsKey_isDenied_badSignature() throws Exception {
    // The "audit" namespace holds its own pairwise key with the handler, and claims to be "orders".
    TokenClaims c = claims(IdentityMode.PAIRWISE, CALLER);
    PairwiseKeys.PairKey auditToHandler =
        PairwiseKeys.create(otherKeys, directory)
            .forSending(PairwiseKeys.Purpose.IDENTITY_TOKEN, HANDLER);
    TokenClaims keyed =
        c.withKeyIds(
            callerKeys.getAgreementKeys().getPrimary().getId(), auditToHandler.getRecipientKeyId());
    String signed = IdentityTokens.signedPart(keyed);
    String token =
        IdentityTokens.assemble(
            signed, auditToHandler.mac().computeMac(signed.getBytes(StandardCharsets.US_ASCII)));
    assertThat(verifier().checkBeforeDecode(request(token)).reason())
        .isEqualTo(ReasonCode.BAD_SIGNATURE);
  }

  @Test
  void verify_withModeTheHandlerDoesNotAccept_isDenied_untrustedCaller() throws Exception {
    Verdict v =
        verifier(
                new MapRegistry().put(endpoint(CALLER)),
                HandlerPolicy.newBuilder()
                    .setAcceptedModes(EnumSet.of(IdentityMode.PAIRWISE))
                    .build())
            .checkBeforeDecode(request(issue(claims(IdentityMode.SIGNATURE, CALLER))));
    assertThat(v.reason()).isEqualTo(ReasonCode.UNTRUSTED_CALLER);
    assertThat(v.detail()).contains("SIGNATURE");
  }

  @Test
  void verify_withTokenForAnotherTaskQueue_isDenied_audienceMismatch_namingOnlyWhatWasSent()
      throws Exception {
    Verdict v =
        verifier()
            .checkBeforeDecode(
                new HandlerRequest(
                    issue(claims(IdentityMode.PAIRWISE, CALLER)),
                    "Payments",
                    "charge",
                    "pay",
                    HANDLER,
                    "secret-internal-tq",
                    NOW));
    assertThat(v.reason()).isEqualTo(ReasonCode.TOKEN_AUDIENCE_MISMATCH);
    assertThat(v.detail()).contains(TQ).doesNotContain("secret-internal-tq");
  }

  @Test
  void verify_withTokenForAnotherOperation_isDenied_scopeMismatch() throws Exception {
    Verdict v =
        verifier()
            .checkBeforeDecode(
                new HandlerRequest(
                    issue(claims(IdentityMode.PAIRWISE, CALLER)),
                    "Payments",
                    "refund",
                    "pay",
                    HANDLER,
                    TQ,
                    NOW));
    assertThat(v.reason()).isEqualTo(ReasonCode.TOKEN_SCOPE_MISMATCH);
  }

  @Test
  void verify_withIssueTimeFarAhead_isDenied_notYetValid_withTimeSkippingHint() throws Exception {
    Verdict v =
        verifier()
            .checkBeforeDecode(
                request(issue(claims(IdentityMode.PAIRWISE, CALLER)), NOW - 2 * HOUR));
    assertThat(v.reason()).isEqualTo(ReasonCode.TOKEN_NOT_YET_VALID);
    assertThat(v.detail()).contains("time-skipping").contains("setTimeSource");
  }

  @Test
  void verify_withIssueTimeSlightlyAhead_isDenied_notYetValid_withClockHint() throws Exception {
    Verdict v =
        verifier()
            .checkBeforeDecode(
                request(issue(claims(IdentityMode.PAIRWISE, CALLER)), NOW - 5 * 60_000L));
    assertThat(v.reason()).isEqualTo(ReasonCode.TOKEN_NOT_YET_VALID);
    assertThat(v.detail()).contains("NTP").doesNotContain("time-skipping");
  }

  @Test
  void verify_withCallerNotOnAllowlist_isDenied_beforeRevealingTheTarget() throws Exception {
    NexusEndpoint elsewhere =
        NexusEndpoint.newBuilder()
            .setName("pay")
            .setTargetNamespace("hidden-ns")
            .setTargetTaskQueue("hidden-tq")
            .build();
    Verdict v =
        verifier(new MapRegistry().put(elsewhere), HandlerPolicy.defaults())
            .checkBeforeDecode(request(issue(claims(IdentityMode.PAIRWISE, CALLER))));
    assertThat(v.reason()).isEqualTo(ReasonCode.CALLER_NOT_ALLOWED);
    assertThat(v.detail()).doesNotContain("hidden");
  }

  @Test
  void verify_withEndpointUnknownToHandler_isDenied_unknownEndpoint() throws Exception {
    Verdict v =
        verifier(new MapRegistry(), HandlerPolicy.defaults())
            .checkBeforeDecode(request(issue(claims(IdentityMode.PAIRWISE, CALLER))));
    assertThat(v.reason()).isEqualTo(ReasonCode.UNKNOWN_ENDPOINT);
  }

  @Test
  void verify_allowedCaller_atWorkerThatIsNotTheTarget_isDenied_targetMismatch() throws Exception {
    NexusEndpoint elsewhere =
        NexusEndpoint.newBuilder()
            .setName("pay")
            .setTargetNamespace(HANDLER)
            .setTargetTaskQueue("other-tq")
            .addAllowedCallerNamespace(CALLER)
            .build();
    Verdict v =
        verifier(new MapRegistry().put(elsewhere), HandlerPolicy.defaults())
            .checkBeforeDecode(request(issue(claims(IdentityMode.PAIRWISE, CALLER))));
    assertThat(v.reason()).isEqualTo(ReasonCode.TARGET_MISMATCH);
  }

  private static Verdict start(
      TokenVerifier v, TokenClaims c, String requestId, List<Link> links, long now)
      throws Exception {
    Verdict before = v.checkBeforeDecode(request(issue(c)));
    assertThat(before.isAllowed()).as(before.detail()).isTrue();
    return v.checkStart(before.claims(), requestId, links, now);
  }

  @Test
  void start_withoutLink_isDenied_byDefault() throws Exception {
    Verdict v = start(verifier(), claims(IdentityMode.PAIRWISE, CALLER), "r", List.of(), NOW);
    assertThat(v.reason()).isEqualTo(ReasonCode.CALLER_LINK_MISMATCH);
    assertThat(v.detail()).contains("no server-built caller link");
  }

  @Test
  void start_withoutLink_isAllowed_whenTheHandlerOptsOut() throws Exception {
    TokenVerifier v =
        verifier(
            new MapRegistry().put(endpoint(CALLER)),
            HandlerPolicy.newBuilder().setRequireCallerLink(false).build());
    assertThat(start(v, claims(IdentityMode.PAIRWISE, CALLER), "r", List.of(), NOW).isAllowed())
        .isTrue();
  }

  @Test
  void start_withLinkToAnotherRun_isDenied_evenWhenTheHandlerOptsOut() throws Exception {
    TokenVerifier v =
        verifier(
            new MapRegistry().put(endpoint(CALLER)),
            HandlerPolicy.newBuilder().setRequireCallerLink(false).build());
    Verdict d =
        start(
            v, claims(IdentityMode.PAIRWISE, CALLER), "r", link(CALLER, "order-wf", "run-2"), NOW);
    assertThat(d.reason()).isEqualTo(ReasonCode.CALLER_LINK_MISMATCH);
    assertThat(d.detail()).contains("run-2");
  }

  @Test
  void start_withLinkToAnotherNamespace_isDenied() throws Exception {
    Verdict d =
        start(
            verifier(),
            claims(IdentityMode.PAIRWISE, CALLER),
            "r",
            link(OTHER, "order-wf", "run-1"),
            NOW);
    assertThat(d.reason()).isEqualTo(ReasonCode.CALLER_LINK_MISMATCH);
  }

  @Test
  void start_afterExpiry_isDenied_tokenExpired() throws Exception {
    Verdict d =
        start(verifier(), claims(IdentityMode.PAIRWISE, CALLER), "r", callerLink(), NOW + 2 * HOUR);
    assertThat(d.reason()).isEqualTo(ReasonCode.TOKEN_EXPIRED);
  }

  @Test
  void start_tokenClaimingLongLifetime_isClampedByHandlerMaximum() throws Exception {
    TokenClaims longLived =
        new TokenClaims(
            IdentityMode.PAIRWISE,
            CALLER,
            HANDLER,
            TQ,
            "pay",
            "Payments",
            "charge",
            "order-wf",
            "run-1",
            NOW,
            NOW + 3650L * 24 * HOUR,
            IdentityTokens.newTokenId(),
            0,
            0);
    TokenVerifier v =
        verifier(
            new MapRegistry().put(endpoint(CALLER)),
            HandlerPolicy.newBuilder().setMaxTokenLifetime(Duration.ofHours(1)).build());
    Verdict d = start(v, longLived, "r", callerLink(), NOW + 2 * HOUR);
    assertThat(d.reason()).isEqualTo(ReasonCode.TOKEN_EXPIRED);
    assertThat(d.detail()).contains("clamped");
    assertThat(v.effectiveNotAfter(longLived)).isEqualTo(NOW + HOUR);
  }

  @Test
  void start_withinScheduleToCloseAfterALongHandlerOutage_isAllowed() throws Exception {
    TokenClaims day =
        new TokenClaims(
            IdentityMode.PAIRWISE,
            CALLER,
            HANDLER,
            TQ,
            "pay",
            "Payments",
            "charge",
            "order-wf",
            "run-1",
            NOW,
            NOW + 24 * HOUR,
            IdentityTokens.newTokenId(),
            0,
            0);
    assertThat(start(verifier(), day, "r", callerLink(), NOW + 5 * HOUR).isAllowed()).isTrue();
  }

  @Test
  void start_sameTokenWithNewRequestId_isDenied_replayed() throws Exception {
    TokenVerifier v = verifier();
    String token = issue(claims(IdentityMode.PAIRWISE, CALLER));
    TokenClaims c = v.checkBeforeDecode(request(token)).claims();
    assertThat(v.checkStart(c, "req-1", callerLink(), NOW).isAllowed()).isTrue();
    assertThat(v.checkStart(c, "req-1", callerLink(), NOW + 1).isAllowed())
        .as("a server retry of the same request")
        .isTrue();
    Verdict replay = v.checkStart(c, "req-2", callerLink(), NOW + 2);
    assertThat(replay.reason()).isEqualTo(ReasonCode.TOKEN_REPLAYED);
  }

  @Test
  void start_sameRequestIdWithAnotherToken_isDenied_replayed() throws Exception {
    TokenVerifier v = verifier();
    TokenClaims first =
        v.checkBeforeDecode(request(issue(claims(IdentityMode.PAIRWISE, CALLER)))).claims();
    TokenClaims second =
        v.checkBeforeDecode(request(issue(claims(IdentityMode.PAIRWISE, CALLER)))).claims();
    assertThat(v.checkStart(first, "req-1", callerLink(), NOW).isAllowed()).isTrue();
    Verdict d = v.checkStart(second, "req-1", callerLink(), NOW);
    assertThat(d.reason()).isEqualTo(ReasonCode.TOKEN_REPLAYED);
    assertThat(d.detail()).contains("request id");
  }

  @Test
  void start_namespaceOverItsQuota_isDenied_replayCacheFull_othersUnaffected() throws Exception {
    TokenVerifier v =
        verifier(
            new MapRegistry().put(endpoint(CALLER, OTHER)),
            HandlerPolicy.newBuilder().setReplayQuotaPerNamespace(1).build());
    TokenClaims a1 =
        v.checkBeforeDecode(request(issue(claims(IdentityMode.PAIRWISE, CALLER)))).claims();
    TokenClaims a2 =
        v.checkBeforeDecode(request(issue(claims(IdentityMode.PAIRWISE, CALLER)))).claims();
    assertThat(v.checkStart(a1, "r1", callerLink(), NOW).isAllowed()).isTrue();
    Verdict full = v.checkStart(a2, "r2", callerLink(), NOW);
    assertThat(full.reason()).isEqualTo(ReasonCode.REPLAY_CACHE_FULL);
    assertThat(full.reason().isRetryable()).isTrue();
    TokenClaims b =
        v.checkBeforeDecode(
                request(issue(otherKeys, directory, claims(IdentityMode.PAIRWISE, OTHER))))
            .claims();
    assertThat(v.checkStart(b, "r3", link(OTHER, "order-wf", "run-1"), NOW).isAllowed()).isTrue();
  }

  /** Two handler processes: each its own verifier, both over {@code policy}'s store. */
  private static TokenVerifier[] twoProcesses(HandlerPolicy policy) {
    MapRegistry registry = new MapRegistry().put(endpoint(CALLER, OTHER));
    return new TokenVerifier[] {verifier(registry, policy), verifier(registry, policy)};
  }

  @Test
  void start_copiedTokenWithNewRequestId_atAnotherProcessSharingTheStore_isDenied_replayed()
      throws Exception {
    TokenVerifier[] p =
        twoProcesses(HandlerPolicy.newBuilder().setReplayStore(ReplayStore.inMemory(10)).build());
    TokenClaims c =
        p[0].checkBeforeDecode(request(issue(claims(IdentityMode.PAIRWISE, CALLER)))).claims();
    assertThat(p[0].checkStart(c, "req-1", callerLink(), NOW).isAllowed()).isTrue();

    Verdict replay = p[1].checkStart(c, "req-2", callerLink(), NOW);

    assertThat(replay.reason()).isEqualTo(ReasonCode.TOKEN_REPLAYED);
    assertThat(replay.reason().isRetryable()).isFalse();
    // a server retry of the admitted start reaching the other process still passes
    assertThat(p[1].checkStart(c, "req-1", callerLink(), NOW).isAllowed()).isTrue();
  }

  @Test
  void start_copiedTokenWithNewRequestId_atAnotherProcessWithItsOwnMemory_isAdmitted_control()
      throws Exception {
    TokenVerifier[] p = twoProcesses(HandlerPolicy.defaults());
    TokenClaims c =
        p[0].checkBeforeDecode(request(issue(claims(IdentityMode.PAIRWISE, CALLER)))).claims();
    assertThat(p[0].checkStart(c, "req-1", callerLink(), NOW).isAllowed()).isTrue();

    // the replay stage alone cannot see it (other stages, e.g. input binding, may still refuse)
    assertThat(p[1].checkStart(c, "req-2", callerLink(), NOW).isAllowed()).isTrue();
  }

  @Test
  void start_whenTheReplayStoreFails_isDenied_retryableStoreUnavailable_withoutItsMessage()
      throws Exception {
    ReplayStore failing =
        (ns, token, rid, forgetAt, now) -> {
          throw new IllegalStateException("connection to db://admin:s3cret@replay refused");
        };
    TokenVerifier v =
        verifier(
            new MapRegistry().put(endpoint(CALLER)),
            HandlerPolicy.newBuilder().setReplayStore(failing).build());
    TokenClaims c =
        v.checkBeforeDecode(request(issue(claims(IdentityMode.PAIRWISE, CALLER)))).claims();

    Verdict d = v.checkStart(c, "req-1", callerLink(), NOW);

    assertThat(d.isAllowed()).isFalse();
    assertThat(d.reason()).isEqualTo(ReasonCode.REPLAY_STORE_UNAVAILABLE);
    assertThat(d.reason().isRetryable()).isTrue();
    assertThat(d.detail())
        .contains("replay store")
        .contains("failed (java.lang.IllegalStateException)")
        .doesNotContain("s3cret")
        .doesNotContain("db://");
  }

  @Test
  void start_whenTheReplayStoreAnswersNull_isDenied_storeUnavailable() throws Exception {
    ReplayStore broken = (ns, token, rid, forgetAt, now) -> null;
    TokenVerifier v =
        verifier(
            new MapRegistry().put(endpoint(CALLER)),
            HandlerPolicy.newBuilder().setReplayStore(broken).build());
    TokenClaims c =
        v.checkBeforeDecode(request(issue(claims(IdentityMode.PAIRWISE, CALLER)))).claims();

    Verdict d = v.checkStart(c, "req-1", callerLink(), NOW);

    assertThat(d.reason()).isEqualTo(ReasonCode.REPLAY_STORE_UNAVAILABLE);
    assertThat(d.detail()).contains("returned no admission");
  }

  @Test
  void start_whenAPluggedStoreReportsFull_isDenied_replayCacheFull_namingTheNamespace()
      throws Exception {
    ReplayStore full = (ns, token, rid, forgetAt, now) -> ReplayStore.Admission.FULL;
    TokenVerifier v =
        verifier(
            new MapRegistry().put(endpoint(CALLER)),
            HandlerPolicy.newBuilder().setReplayStore(full).build());
    TokenClaims c =
        v.checkBeforeDecode(request(issue(claims(IdentityMode.PAIRWISE, CALLER)))).claims();

    Verdict d = v.checkStart(c, "req-1", callerLink(), NOW);

    assertThat(d.reason()).isEqualTo(ReasonCode.REPLAY_CACHE_FULL);
    assertThat(d.detail()).contains("quota of caller namespace '" + CALLER + "' full");
  }

  @Test
  void start_passesTheStoreTheClampedExpiryPlusSkew_asForgetTime() throws Exception {
    long[] seen = new long[2];
    ReplayStore spy =
        (ns, token, rid, forgetAt, now) -> {
          seen[0] = forgetAt;
          seen[1] = now;
          return ReplayStore.Admission.ADMITTED;
        };
    HandlerPolicy policy = HandlerPolicy.newBuilder().setReplayStore(spy).build();
    TokenVerifier v = verifier(new MapRegistry().put(endpoint(CALLER)), policy);
    TokenClaims c =
        v.checkBeforeDecode(request(issue(claims(IdentityMode.PAIRWISE, CALLER)))).claims();

    assertThat(v.checkStart(c, "req-1", callerLink(), NOW).isAllowed()).isTrue();

    assertThat(seen[0]).isEqualTo(NOW + HOUR + policy.getClockSkew().toMillis());
    assertThat(seen[1]).isEqualTo(NOW);
  }

  @Test
  void callerRunOf_readsNamespaceWorkflowAndRun_andIgnoresOtherLinks() {
    assertThat(
            TokenVerifier.callerRunOf(
                URI.create("temporal:///namespaces/a%20b/workflows/w%2Fx/r/history?eventID=1")))
        .containsExactly("a b", "w/x", "r");
    assertThat(TokenVerifier.callerRunOf(URI.create("https://example.com/namespaces/a"))).isNull();
    assertThat(TokenVerifier.callerRunOf(URI.create("temporal:///namespaces/a/schedules/s")))
        .isNull();
  }

  @Test
  void acceptedModes_defaultIsBoth() {
    assertThat(HandlerPolicy.defaults().getAcceptedModes())
        .isEqualTo(Set.of(IdentityMode.PAIRWISE, IdentityMode.SIGNATURE));
  }

  @Test
  void verify_withTagSpelledAnotherWay_isDenied_malformed_soOneTokenHasOneSpelling()
      throws Exception {
    // A 32-byte HMAC tag is 43 base64url characters: the last one carries 2 bits the decoder
    // ignores. Flipping them must not yield a second accepted spelling of the same token.
    String token = issue(claims(IdentityMode.PAIRWISE, CALLER));
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    int last = alphabet.indexOf(token.charAt(token.length() - 1));
    String respelled = token.substring(0, token.length() - 1) + alphabet.charAt(last ^ 1);
    TokenVerifier v = verifier();
    assertThat(v.checkBeforeDecode(request(token)).isAllowed()).isTrue();

    Verdict verdict = v.checkBeforeDecode(request(respelled));

    assertThat(verdict.reason()).isEqualTo(ReasonCode.MALFORMED_TOKEN);
    assertThat(verdict.detail()).contains("tag").contains("canonical");
  }

  // ------------------------------------------------------------------ boundaries and details

  @ParameterizedTest
  @EnumSource(IdentityMode.class)
  void verify_withForgedClaims_namesTheMacOrTheSignature_andTheCallerNamespace(IdentityMode mode)
      throws Exception {
    String token = issue(claims(mode, CALLER));
    String other = issue(claims(mode, CALLER));
    String spliced =
        token.substring(0, token.lastIndexOf('.')) + other.substring(other.lastIndexOf('.'));
    Verdict v = verifier().checkBeforeDecode(request(spliced));
    assertThat(v.reason()).isEqualTo(ReasonCode.BAD_SIGNATURE);
    assertThat(v.detail())
        .isEqualTo(
            "the token's "
                + (mode == IdentityMode.PAIRWISE ? "MAC" : "signature")
                + " does not verify under the key of caller namespace 'orders' it names");
  }

  @Test
  void
      verify_pairwiseToken_atAHandlerWithoutNamespaceKeys_isDenied_untrustedCaller_sayingWhatToSet()
          throws Exception {
    HandlerPolicy policy = HandlerPolicy.defaults();
    TokenVerifier v =
        new TokenVerifier(
            HANDLER,
            null,
            directory,
            new MapRegistry().put(endpoint(CALLER)),
            policy,
            ReplayStore.inMemory(10),
            true);
    Verdict d = v.checkBeforeDecode(request(issue(claims(IdentityMode.PAIRWISE, CALLER))));
    assertThat(d.reason()).isEqualTo(ReasonCode.UNTRUSTED_CALLER);
    assertThat(d.detail()).contains("no namespace keys").contains("setNamespaceKeys");
    // signature tokens need only the directory
    assertThat(
            v.checkBeforeDecode(request(issue(claims(IdentityMode.SIGNATURE, CALLER)))).isAllowed())
        .isTrue();
  }

  @Test
  void verify_signatureToken_ofACallerMissingFromTheDirectory_isDenied_namingIt() throws Exception {
    NamespaceKeyDirectory withoutCaller = directory.toBuilder().remove(CALLER).build();
    Verdict v =
        verifier(new MapRegistry().put(endpoint(CALLER)), HandlerPolicy.defaults(), withoutCaller)
            .checkBeforeDecode(request(issue(claims(IdentityMode.SIGNATURE, CALLER))));
    assertThat(v.reason()).isEqualTo(ReasonCode.UNTRUSTED_CALLER);
    assertThat(v.detail()).isEqualTo("the key directory has no keys for namespace 'orders'");
  }

  @Test
  void verify_signatureToken_ofACallerThatPublishesNoSignatureKeys_isDenied_namingIt()
      throws Exception {
    NamespaceKeyDirectory agreementOnly =
        directory.toBuilder().put(NamespaceKeys.generate(CALLER, false).toPublicKeys()).build();
    Verdict v =
        verifier(new MapRegistry().put(endpoint(CALLER)), HandlerPolicy.defaults(), agreementOnly)
            .checkBeforeDecode(request(issue(claims(IdentityMode.SIGNATURE, CALLER))));
    assertThat(v.reason()).isEqualTo(ReasonCode.UNTRUSTED_CALLER);
    assertThat(v.detail())
        .isEqualTo(
            "caller namespace 'orders' publishes no signature keys in the handler's key directory");
  }

  @Test
  void verify_signatureToken_underAKeyTheDirectoryDoesNotList_isDenied_untrustedCaller()
      throws Exception {
    // The directory lists another signature keyset for the caller (e.g. a stale entry).
    NamespaceKeyDirectory stale =
        directory.toBuilder().put(NamespaceKeys.generate(CALLER, true).toPublicKeys()).build();
    TokenClaims c = claims(IdentityMode.SIGNATURE, CALLER);
    Verdict v =
        verifier(new MapRegistry().put(endpoint(CALLER)), HandlerPolicy.defaults(), stale)
            .checkBeforeDecode(request(issue(c)));
    assertThat(v.reason()).isEqualTo(ReasonCode.UNTRUSTED_CALLER);
    assertThat(v.detail())
        .isEqualTo(
            "signature key "
                + Integer.toUnsignedString(
                    callerKeys.getSignatureKeys().orElseThrow().getPrimary().getId())
                + " of caller namespace 'orders' is not an enabled key in the handler's key"
                + " directory");
  }

  @Test
  void verify_manySignatureTokens_throughOneVerifier_areEachChecked() throws Exception {
    TokenVerifier v = verifier();
    for (int i = 0; i < 3; i++) {
      assertThat(
              v.checkBeforeDecode(request(issue(claims(IdentityMode.SIGNATURE, CALLER))))
                  .isAllowed())
          .isTrue();
    }
    // the cached verifier still refuses a forged token
    String token = issue(claims(IdentityMode.SIGNATURE, CALLER));
    String other = issue(claims(IdentityMode.SIGNATURE, CALLER));
    assertThat(
            v.checkBeforeDecode(
                    request(
                        token.substring(0, token.lastIndexOf('.'))
                            + other.substring(other.lastIndexOf('.'))))
                .reason())
        .isEqualTo(ReasonCode.BAD_SIGNATURE);
  }

  @Test
  void verify_withoutAnEndpointReportedByTheServer_checksTheTokensScopeAlone() throws Exception {
    String token = issue(claims(IdentityMode.PAIRWISE, CALLER));
    for (String reported : new String[] {null, ""}) {
      Verdict v =
          verifier()
              .checkBeforeDecode(
                  new HandlerRequest(token, "Payments", "charge", reported, HANDLER, TQ, NOW));
      assertThat(v.isAllowed()).as(v.detail()).isTrue();
    }
  }

  @Test
  void verify_whenTheServerReportsAnotherEndpoint_isDenied_scopeMismatch_namingBoth()
      throws Exception {
    Verdict v =
        verifier()
            .checkBeforeDecode(
                new HandlerRequest(
                    issue(claims(IdentityMode.PAIRWISE, CALLER)),
                    "Payments",
                    "charge",
                    "other-endpoint",
                    HANDLER,
                    TQ,
                    NOW));
    assertThat(v.reason()).isEqualTo(ReasonCode.TOKEN_SCOPE_MISMATCH);
    assertThat(v.detail())
        .isEqualTo(
            "the token was issued for endpoint 'pay' but the server delivered the request for"
                + " endpoint 'other-endpoint'");
  }

  @Test
  void verify_whenTheRegistryAdmitsButNoLongerListsTheEndpoint_isDenied_unknownEndpoint()
      throws Exception {
    // checkAccess and findEndpoint are two reads; the endpoint may be deleted in between.
    MapRegistry listed = new MapRegistry().put(endpoint(CALLER));
    dev.nexussecurity.api.EndpointRegistry racing =
        new dev.nexussecurity.api.EndpointRegistry() {
          @Override
          public java.util.Optional<NexusEndpoint> findEndpoint(String name) {
            return java.util.Optional.empty();
          }

          @Override
          public List<NexusEndpoint> listEndpoints() {
            return List.of();
          }

          @Override
          public dev.nexussecurity.api.AccessDecision checkAccess(String endpoint, String caller) {
            return listed.checkAccess(endpoint, caller);
          }
        };
    TokenVerifier verifier =
        new TokenVerifier(
            HANDLER,
            PairwiseKeys.create(handlerKeys, directory),
            directory,
            racing,
            HandlerPolicy.defaults(),
            ReplayStore.inMemory(10),
            true);
    Verdict v = verifier.checkBeforeDecode(request(issue(claims(IdentityMode.PAIRWISE, CALLER))));
    assertThat(v.reason()).isEqualTo(ReasonCode.UNKNOWN_ENDPOINT);
    assertThat(v.detail()).isEqualTo("endpoint 'pay' is not in the handler's registry");
  }

  @Test
  void verify_issuedExactlyTheClockSkewAhead_isAllowed_oneMillisecondMore_isDenied()
      throws Exception {
    long skew = HandlerPolicy.defaults().getClockSkew().toMillis();
    String token = issue(claims(IdentityMode.PAIRWISE, CALLER));
    assertThat(verifier().checkBeforeDecode(request(token, NOW - skew)).isAllowed()).isTrue();
    Verdict v = verifier().checkBeforeDecode(request(token, NOW - skew - 1));
    assertThat(v.reason()).isEqualTo(ReasonCode.TOKEN_NOT_YET_VALID);
    assertThat(v.detail())
        .startsWith(
            "the token was issued "
                + (skew + 1)
                + " ms after this handler's current time"
                + " (allowed clock skew "
                + skew
                + " ms)");
  }

  @Test
  void verify_issuedExactlyAnHourAhead_getsTheClockHint_moreThanAnHour_theTimeSkippingHint()
      throws Exception {
    String token = issue(claims(IdentityMode.PAIRWISE, CALLER));
    assertThat(verifier().checkBeforeDecode(request(token, NOW - HOUR)).detail())
        .contains("NTP")
        .doesNotContain("time-skipping");
    assertThat(verifier().checkBeforeDecode(request(token, NOW - HOUR - 1)).detail())
        .contains("time-skipping");
  }

  @Test
  void verify_aheadWithAHandlerTimeSource_saysTheTimeSourceIsBehind() throws Exception {
    HandlerPolicy policy = HandlerPolicy.defaults();
    TokenVerifier v =
        new TokenVerifier(
            HANDLER,
            PairwiseKeys.create(handlerKeys, directory),
            directory,
            new MapRegistry().put(endpoint(CALLER)),
            policy,
            ReplayStore.inMemory(10),
            false);
    Verdict d =
        v.checkBeforeDecode(request(issue(claims(IdentityMode.PAIRWISE, CALLER)), NOW - 2 * HOUR));
    assertThat(d.reason()).isEqualTo(ReasonCode.TOKEN_NOT_YET_VALID);
    assertThat(d.detail())
        .endsWith("; the handler's time source is behind the caller's workflow time")
        .doesNotContain("NTP");
  }

  @Test
  void start_atExpiryPlusSkew_isAllowed_oneMillisecondLater_isDenied_sayingHowLongAgo()
      throws Exception {
    long skew = HandlerPolicy.defaults().getClockSkew().toMillis();
    assertThat(
            start(
                    verifier(),
                    claims(IdentityMode.PAIRWISE, CALLER),
                    "r",
                    callerLink(),
                    NOW + HOUR + skew)
                .isAllowed())
        .isTrue();
    Verdict d =
        start(
            verifier(),
            claims(IdentityMode.PAIRWISE, CALLER),
            "r",
            callerLink(),
            NOW + HOUR + skew + 1);
    assertThat(d.reason()).isEqualTo(ReasonCode.TOKEN_EXPIRED);
    // not clamped: the token's own lifetime (1 h) is below the handler's maximum
    assertThat(d.detail())
        .isEqualTo(
            "the token expired " + (skew + 1) + " ms ago; allowed clock skew " + skew + " ms");
  }

  @Test
  void start_withALifetimeExactlyTheHandlersMaximum_isNotReportedAsClamped() throws Exception {
    TokenVerifier v =
        verifier(
            new MapRegistry().put(endpoint(CALLER)),
            HandlerPolicy.newBuilder().setMaxTokenLifetime(Duration.ofHours(1)).build());
    Verdict d = start(v, claims(IdentityMode.PAIRWISE, CALLER), "r", callerLink(), NOW + 2 * HOUR);
    assertThat(d.reason()).isEqualTo(ReasonCode.TOKEN_EXPIRED);
    assertThat(d.detail()).doesNotContain("clamped");
  }

  /** A replay store with a class name of its own. */
  static final class UnreachableStore implements ReplayStore {
    @Override
    public Admission admit(
        String callerNamespace, String tokenId, String requestId, long forgetAt, long now) {
      throw new IllegalStateException("down");
    }
  }

  @Test
  void start_whenANamedStoreFails_namesItsClass_anAnonymousOneDoesNot() throws Exception {
    TokenVerifier named =
        verifier(
            new MapRegistry().put(endpoint(CALLER)),
            HandlerPolicy.newBuilder().setReplayStore(new UnreachableStore()).build());
    assertThat(start(named, claims(IdentityMode.PAIRWISE, CALLER), "r", callerLink(), NOW).detail())
        .isEqualTo("the replay store UnreachableStore failed (java.lang.IllegalStateException)");

    ReplayStore anonymous =
        new ReplayStore() {
          @Override
          public Admission admit(
              String callerNamespace, String tokenId, String requestId, long forgetAt, long now) {
            throw new IllegalStateException("down");
          }
        };
    TokenVerifier unnamed =
        verifier(
            new MapRegistry().put(endpoint(CALLER)),
            HandlerPolicy.newBuilder().setReplayStore(anonymous).build());
    assertThat(
            start(unnamed, claims(IdentityMode.PAIRWISE, CALLER), "r", callerLink(), NOW).detail())
        .isEqualTo("the replay store failed (java.lang.IllegalStateException)");
  }

  @Test
  void callerRunOf_readsALinkThatEndsAtTheRunId() {
    assertThat(TokenVerifier.callerRunOf(URI.create("temporal:///namespaces/a/workflows/w/r")))
        .containsExactly("a", "w", "r");
    assertThat(TokenVerifier.callerRunOf(URI.create("temporal:///namespaces/a/workflows/w")))
        .isNull();
  }

  @Test
  void verify_signatureToken_afterTheDirectoryDroppedItsKey_isDenied_evenThoughItWasCached()
      throws Exception {
    // A live directory (e.g. refreshed from a server): the caller re-keyed and the handler's
    // directory now lists only the new key. A verifier cached for the old key must not be reused.
    NamespaceKeyDirectory[] current = {directory};
    dev.nexussecurity.core.keys.KeyDirectory live =
        new dev.nexussecurity.core.keys.KeyDirectory() {
          @Override
          public java.util.Optional<dev.nexussecurity.core.keys.NamespacePublicKeys> findNamespace(
              String namespace) {
            return current[0].findNamespace(namespace);
          }

          @Override
          public Set<String> getNamespaces() {
            return current[0].getNamespaces();
          }
        };
    TokenVerifier v =
        new TokenVerifier(
            HANDLER,
            PairwiseKeys.create(handlerKeys, directory),
            live,
            new MapRegistry().put(endpoint(CALLER)),
            HandlerPolicy.defaults(),
            ReplayStore.inMemory(10),
            true);
    String token = issue(claims(IdentityMode.SIGNATURE, CALLER));
    assertThat(v.checkBeforeDecode(request(token)).isAllowed()).isTrue();

    NamespaceKeys rekeyed = NamespaceKeys.generate(CALLER, true);
    current[0] = directory.toBuilder().put(rekeyed.toPublicKeys()).build();

    Verdict after = v.checkBeforeDecode(request(issue(claims(IdentityMode.SIGNATURE, CALLER))));
    assertThat(after.reason()).isEqualTo(ReasonCode.UNTRUSTED_CALLER);
    assertThat(after.detail()).contains("is not an enabled key");
    // the new key is admitted through the same verifier
    assertThat(
            v.checkBeforeDecode(
                    request(issue(rekeyed, current[0], claims(IdentityMode.SIGNATURE, CALLER))))
                .isAllowed())
        .isTrue();
  }
}
