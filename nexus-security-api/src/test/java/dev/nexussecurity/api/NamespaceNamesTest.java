package dev.nexussecurity.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class NamespaceNamesTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "a",
        "default",
        "orders-ns",
        "Payments",
        "payments.a1b2c", // Temporal Cloud namespace id
        "temporal-system",
        "team_1/orders:prod",
        "!~"
      })
  void validNames_areAccepted(String name) {
    assertThat(NamespaceNames.isValid(name)).isTrue();
    assertThat(NamespaceNames.problem(name)).isEmpty();
    assertThat(NamespaceNames.requireValid("ns", name)).isSameAs(name);
  }

  @Test
  void theLongestName_isAccepted_andOneMoreCharacterIsNot() {
    String longest = "n".repeat(NamespaceNames.MAX_LENGTH);

    assertThat(NamespaceNames.isValid(longest)).isTrue();
    assertThat(NamespaceNames.isValid(longest + "n")).isFalse();
    assertThat(NamespaceNames.problem(longest + "n"))
        .contains("is 1001 characters long, more than the limit of 1000; " + NamespaceNames.RULE);
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          p\u0430yments   | has U+0430 (CYRILLIC SMALL LETTER A) as character 2, which is not ASCII
          pay\u200Bments  | has U+200B (an invisible format character such as a zero-width space or a bidi control) as character 4, which is not allowed
          pay\u202Ements  | has U+202E (an invisible format character such as a zero-width space or a bidi control) as character 4, which is not allowed
          pay\u0000ments  | has U+0000 (a control character) as character 4, which is not allowed
          pay\u00A0ments  | has U+00A0 (whitespace) as character 4, which is not allowed
          pay\u2028ments  | has U+2028 (whitespace) as character 4, which is not allowed
          paymént        | has U+00E9 (LATIN SMALL LETTER E WITH ACUTE) as character 5, which is not ASCII
          \uD83D\uDE00x  | has U+1F600 (GRINNING FACE) as character 1, which is not ASCII
          x\uD83D        | has U+D83D (an unpaired surrogate) as character 2, which is not allowed
          """)
  void oddCharacters_areRefused_pointingAtTheCharacter(String name, String problem) {
    assertThat(NamespaceNames.isValid(name)).isFalse();
    assertThat(NamespaceNames.problem(name)).contains(problem + "; " + NamespaceNames.RULE);
  }

  @ParameterizedTest
  @ValueSource(strings = {" payments", "payments ", "pay ments", "pay\tments", "pay\nments"})
  void whitespaceAnywhere_isRefused(String name) {
    assertThat(NamespaceNames.isValid(name)).isFalse();
    assertThat(NamespaceNames.problem(name).orElseThrow()).startsWith("has U+00");
  }

  @Test
  void emptyAndMissing_areRefused() {
    assertThat(NamespaceNames.isValid("")).isFalse();
    assertThat(NamespaceNames.isValid(null)).isFalse();
    assertThat(NamespaceNames.problem("")).contains("must not be empty; " + NamespaceNames.RULE);
    assertThatThrownBy(() -> NamespaceNames.requireValid("callerNamespace", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("callerNamespace is required: " + NamespaceNames.RULE);
  }

  @Test
  void requireValid_namesFieldQuotedValueAndRule_inPrintableAscii() {
    assertThatThrownBy(() -> NamespaceNames.requireValid("callerNamespace", "orders\nns"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "callerNamespace 'orders\\u000Ans' is not a valid namespace name: it has U+000A (a"
                + " control character) as character 7, which is not allowed; "
                + NamespaceNames.RULE);
  }

  @Test
  void requireValid_ofAHugeValue_quotesOnlyItsStart() {
    String huge = "\u200B".repeat(100_000);

    assertThatThrownBy(() -> NamespaceNames.requireValid("ns", huge))
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(400));
  }

  @Test
  void differOnlyInCase_isTrueOnlyForDifferentSpellingsOfOneName() {
    assertThat(NamespaceNames.differOnlyInCase("Payments", "payments")).isTrue();
    assertThat(NamespaceNames.differOnlyInCase("payments", "payments")).isFalse();
    assertThat(NamespaceNames.differOnlyInCase("payments", "orders")).isFalse();
    assertThat(NamespaceNames.differOnlyInCase(null, "payments")).isFalse();
  }
}
