package dev.nexussecurity.core.internal.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.nexussecurity.core.EndpointArbitraries;
import dev.nexussecurity.core.IdentityMode;
import dev.nexussecurity.core.keys.NamespaceKeys;
import java.security.GeneralSecurityException;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Properties of {@link OperationTokenBinder}: bind → open returns exactly what was bound; any text
 * presented as an operation token either opens to what this handler namespace bound or is refused
 * with a {@link GeneralSecurityException}, never another exception; so it names a caller namespace
 * and call (token id) only when it was bound to them ({@code
 * HandlerInboundInterceptorPropertiesTest} checks the cancel stage on the same tokens).
 */
public class OperationTokenBinderPropertiesTest {
  static final NamespaceKeys PAYMENTS = NamespaceKeys.generate("payments", false);
  public static final OperationTokenBinder BINDER = OperationTokenBinder.create(PAYMENTS);

  /** Another handler namespace, and another key of a namespace with the same name. */
  static final List<OperationTokenBinder> OTHERS =
      List.of(
          OperationTokenBinder.create(NamespaceKeys.generate("audit", false)),
          OperationTokenBinder.create(NamespaceKeys.generate("payments", false)));

  public static final List<String> CALLERS = List.of("orders", "audit", "Orders");
  public static final List<String> TOKEN_IDS =
      List.of(IdentityTokens.newTokenId(), IdentityTokens.newTokenId(), "jti-1");

  @Property(tries = 300)
  void bind_thenOpen_returnsExactlyWhatWasBound(
      @ForAll("texts") String inner,
      @ForAll("namespaces") String caller,
      @ForAll("texts") String tokenId)
      throws Exception {
    String bound = BINDER.bind(inner, caller, tokenId);
    assertThat(bound).matches("nso1(\\.[A-Za-z0-9_-]*){3}\\.[0-9]+\\.[A-Za-z0-9_-]+");
    assertThat(BINDER.open(bound))
        .isEqualTo(new OperationTokenBinder.Bound(inner, caller, tokenId));
  }

  /**
   * An operation token as a cancel presents it, with the binding this handler namespace made that
   * it is (or was edited from); null for anything else.
   */
  public record Presented(String token, OperationTokenBinder.Bound origin) {}

  @Property(tries = 1000)
  void open_ofAnyText_isOnlyWhatThisNamespaceBound_soOnlyThatCallerAndCallMatch(
      @ForAll("presented") Presented p,
      @ForAll("callerIndex") int caller,
      @ForAll("callerIndex") int call) {
    TokenClaims claims =
        new TokenClaims(
            IdentityMode.SIGNATURE,
            CALLERS.get(caller),
            "payments",
            "tq",
            "pay",
            "Payments",
            "charge",
            "wf",
            "run",
            1,
            2,
            TOKEN_IDS.get(call),
            0,
            0);
    Object[] opened = new Object[1];
    Throwable thrown = catchThrowable(() -> opened[0] = BINDER.open(p.token()));
    if (thrown != null) {
      assertThat(thrown).isExactlyInstanceOf(GeneralSecurityException.class);
      assertThat(thrown.getMessage()).startsWith("the operation token");
    } else {
      // only what this handler namespace bound opens, and to exactly that binding
      assertThat(p.origin()).as("opened a token it did not bind: %s", p.token()).isNotNull();
      assertThat(opened[0]).isEqualTo(p.origin());
    }

    boolean boundToThisCall =
        thrown == null
            && p.origin().callerNamespace().equals(claims.callerNamespace())
            && p.origin().tokenId().equals(claims.tokenId());
    OperationTokenBinder.Bound b = (OperationTokenBinder.Bound) opened[0];
    assertThat(
            b != null
                && b.callerNamespace().equals(claims.callerNamespace())
                && b.tokenId().equals(claims.tokenId()))
        .isEqualTo(boundToThisCall);
  }

  @Provide
  Arbitrary<Integer> callerIndex() {
    return Arbitraries.integers().between(0, 2);
  }

  @Provide
  Arbitrary<String> texts() {
    return EndpointArbitraries.text(30);
  }

  @Provide
  Arbitrary<String> namespaces() {
    return EndpointArbitraries.namespaces();
  }

  @Provide
  Arbitrary<Presented> presented() {
    return presentedTokens();
  }

  /** Tokens bound here, bound by other handler keys, edits of bound tokens, and any text. */
  public static Arbitrary<Presented> presentedTokens() {
    Arbitrary<String> inner =
        Arbitraries.frequencyOf(
            Tuple.of(3, Arbitraries.of("eyJ0IjoxLCJ3aWQiOiJ3ZiJ9", "inner")),
            Tuple.of(1, EndpointArbitraries.text(20)));
    Arbitrary<OperationTokenBinder.Bound> origins =
        Combinators.combine(inner, Arbitraries.of(CALLERS), Arbitraries.of(TOKEN_IDS))
            .as(OperationTokenBinder.Bound::new);
    Arbitrary<Presented> boundHere =
        origins.map(
            o -> new Presented(BINDER.bind(o.inner(), o.callerNamespace(), o.tokenId()), o));
    Arbitrary<Presented> boundElsewhere =
        Combinators.combine(origins, Arbitraries.of(OTHERS))
            .as(
                (o, other) ->
                    new Presented(other.bind(o.inner(), o.callerNamespace(), o.tokenId()), null));
    Arbitrary<Presented> edited =
        Combinators.combine(
                boundHere,
                Arbitraries.doubles().between(0, 1).filter(d -> d < 1),
                Arbitraries.chars().range('A', 'Z').range('a', 'z').range('0', '9').with('.', '-'),
                Arbitraries.integers().between(0, 2))
            .as(
                (p, position, c, kind) -> {
                  String t = p.token();
                  int at = (int) (position * t.length());
                  String e =
                      switch (kind) {
                        case 0 -> t.substring(0, at) + c + t.substring(at + 1);
                        case 1 -> t.substring(0, at) + t.substring(at + 1);
                        default -> t.substring(0, at) + c + t.substring(at);
                      };
                  // An edit opens to nothing or to the binding it was made from: the tag's
                  // last character carries 2 bits the decoder ignores (a second spelling of the
                  // same binding, harmless: it names the same operation, caller and call).
                  return new Presented(e, p.origin());
                });
    Arbitrary<Presented> arbitrary =
        Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.strings().ofMaxLength(80)),
                Tuple.of(
                    2,
                    Arbitraries.strings()
                        .withCharRange('A', 'Z')
                        .withChars('a', 'b', '0', '9', '.', '-', '_', '=', '+')
                        .ofMaxLength(80)
                        .map(s -> "nso1." + s)),
                Tuple.of(1, Arbitraries.just((String) null)))
            .map(t -> new Presented(t, null));
    return Arbitraries.frequencyOf(
        Tuple.of(3, boundHere),
        Tuple.of(2, boundElsewhere),
        Tuple.of(4, edited),
        Tuple.of(3, arbitrary));
  }
}
