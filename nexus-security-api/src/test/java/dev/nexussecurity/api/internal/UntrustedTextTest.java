package dev.nexussecurity.api.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UntrustedTextTest {
  @Test
  void quote_printableAscii_isUnchanged() {
    assertThat(UntrustedText.quote("payments-ns/charge_1.v2")).isEqualTo("payments-ns/charge_1.v2");
  }

  @Test
  void quote_null_isNone() {
    assertThat(UntrustedText.quote(null)).isEqualTo("(none)");
  }

  @Test
  void quote_lineBreaksAndControls_areEscaped() {
    assertThat(UntrustedText.quote("a\nb\rc\u0000d\u001be"))
        .isEqualTo("a\\u000Ab\\u000Dc\\u0000d\\u001Be");
  }

  @Test
  void quote_formatAndBidiCharacters_areEscaped() {
    // zero-width space, right-to-left override, byte order mark, line separator
    assertThat(UntrustedText.quote("x\u200By\u202Ez\uFEFFw\u2028"))
        .isEqualTo("x\\u200By\\u202Ez\\uFEFFw\\u2028");
  }

  @Test
  void quote_nonAscii_isEscapedSoLookAlikesAreVisible() {
    // Cyrillic 'а' (U+0430) looks like Latin 'a'
    assertThat(UntrustedText.quote("p\u0430yments")).isEqualTo("p\\u0430yments");
  }

  @Test
  void quote_backslash_isEscapedSoEscapesCannotBeForged() {
    assertThat(UntrustedText.quote("a\\u000Ab")).isEqualTo("a\\\\u000Ab");
    assertThat(UntrustedText.quote("a\\u000Ab")).isNotEqualTo(UntrustedText.quote("a\nb"));
  }

  @Test
  void quote_longText_isCutAndSaysHowLongItWas() {
    String s = "x".repeat(100);

    assertThat(UntrustedText.quote(s)).isEqualTo("x".repeat(64) + "...(100 chars)");
    assertThat(UntrustedText.quote(s, 10)).isEqualTo("x".repeat(10) + "...(100 chars)");
    assertThat(UntrustedText.quote("x".repeat(64))).isEqualTo("x".repeat(64));
  }

  @Test
  void quote_maximumCountsEscapes_soTheResultStaysShort() {
    String s = "\u00e9".repeat(1000);

    assertThat(UntrustedText.quote(s, 20)).isEqualTo("\\u00E9\\u00E9\\u00E9...(1000 chars)");
  }

  @Test
  void quote_nonPositiveMaximum_isRefused() {
    assertThatThrownBy(() -> UntrustedText.quote("x", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxChars");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "a\nb", "a\u0000", "\u200Bx", "x\u202E", "\uFEFF", "a\u2028", "a\u2029", "x\uE000",
        "x\uD800"
      })
  void firstUnsafe_findsEveryKindOfInvisibleOrLineBreakingCharacter(String s) {
    assertThat(UntrustedText.firstUnsafe(s)).isGreaterThanOrEqualTo(0);
    assertThat(UntrustedText.isUnsafe(s.codePointAt(UntrustedText.firstUnsafe(s)))).isTrue();
  }

  @Test
  void firstUnsafe_namesAndOrdinaryUnicode_areSafe() {
    assertThat(UntrustedText.firstUnsafe("payments-ns.prod_1")).isEqualTo(-1);
    assertThat(UntrustedText.firstUnsafe("Zahlungen für Bestellungen")).isEqualTo(-1);
  }

  @Test
  void firstUnsafe_returnsTheIndexOfTheFirstOne() {
    assertThat(UntrustedText.firstUnsafe("ab\u200Bc\n")).isEqualTo(2);
  }

  @Test
  void codePoint_isFormattedAsUPlusHex() {
    assertThat(UntrustedText.codePoint(0x200B)).isEqualTo("U+200B");
    assertThat(UntrustedText.codePoint('\n')).isEqualTo("U+000A");
  }
}
