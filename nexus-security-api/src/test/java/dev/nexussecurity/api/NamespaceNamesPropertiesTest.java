package dev.nexussecurity.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Properties of {@link NamespaceNames} over arbitrary text (any UTF-16, unpaired surrogates,
 * control and format characters, over-long names), checked against a reference model of the rule: 1
 * to 1000 characters, each in {@code U+0021..U+007E}.
 */
class NamespaceNamesPropertiesTest {

  @Property(tries = 500)
  void isValid_equalsTheReferenceRule(@ForAll("names") String name) {
    assertThat(NamespaceNames.isValid(name)).isEqualTo(referenceIsValid(name));
  }

  @Property(tries = 500)
  void problem_isEmptyExactlyWhenValid(@ForAll("names") String name) {
    assertThat(NamespaceNames.problem(name).isEmpty()).isEqualTo(NamespaceNames.isValid(name));
  }

  @Property(tries = 500)
  void requireValid_returnsTheNameOrThrowsASafeIllegalArgumentException(
      @ForAll("names") String name) {
    Throwable thrown = catchThrowable(() -> NamespaceNames.requireValid("callerNamespace", name));
    if (referenceIsValid(name)) {
      assertThat(thrown).isNull();
      assertThat(NamespaceNames.requireValid("callerNamespace", name)).isSameAs(name);
    } else {
      assertThat(thrown).isExactlyInstanceOf(IllegalArgumentException.class);
      assertThat(thrown.getMessage())
          .startsWith("callerNamespace")
          .contains(NamespaceNames.RULE)
          // the untrusted name is quoted: the message can neither break a log line nor hide text
          .matches("[\\x20-\\x7e]*");
    }
  }

  @Property(tries = 300)
  void requireValid_ofNull_isRefused(@ForAll("names") String ignored) {
    assertThat(catchThrowable(() -> NamespaceNames.requireValid("targetNamespace", null)))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("targetNamespace is required");
    assertThat(NamespaceNames.problem(null))
        .isEqualTo(Optional.of("is missing; " + NamespaceNames.RULE));
  }

  @Property(tries = 500)
  void differOnlyInCase_isTheReferenceRelationAndSymmetric(
      @ForAll("names") String a, @ForAll("caseVariants") String b) {
    boolean expected = !a.equals(b) && a.equalsIgnoreCase(b);
    assertThat(NamespaceNames.differOnlyInCase(a, b)).isEqualTo(expected);
    assertThat(NamespaceNames.differOnlyInCase(b, a)).isEqualTo(expected);
    assertThat(NamespaceNames.differOnlyInCase(a, a)).isFalse();
    assertThat(NamespaceNames.differOnlyInCase(a, null)).isFalse();
  }

  @Provide
  Arbitrary<String> caseVariants() {
    return Arbitraries.strings().withChars("aAbBzZ-_.").ofMinLength(1).ofMaxLength(6);
  }

  @Provide
  Arbitrary<String> names() {
    return Arbitraries.frequencyOf(
        // almost valid: printable ASCII plus the characters next to its edges
        Tuple.of(4, Arbitraries.strings().withCharRange('\u001f', '\u007f').ofMaxLength(40)),
        Tuple.of(2, Arbitraries.strings().all().ofMaxLength(30)),
        Tuple.of(
            1,
            Arbitraries.strings()
                .withCharRange('a', 'z')
                .ofMinLength(NamespaceNames.MAX_LENGTH - 2)
                .ofMaxLength(NamespaceNames.MAX_LENGTH + 2)),
        Tuple.of(
            1,
            Arbitraries.of(
                "payments-ns",
                "",
                " ",
                "payments\u200bns",
                "payments ns",
                "pay\nments",
                "\ud800",
                "p\u0430yments",
                "\u202epayments")));
  }

  private static boolean referenceIsValid(String name) {
    if (name.isEmpty() || name.length() > 1000) {
      return false;
    }
    return name.chars().allMatch(c -> c >= '!' && c <= '~');
  }
}
