package dev.nexussecurity.codec.tink.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class WireFormatTest {

  private static List<ByteString> values(String... v) {
    return java.util.Arrays.stream(v).map(ByteString::copyFromUtf8).toList();
  }

  @Test
  void associatedData_isTheDocumentedLengthPrefixedEncoding() {
    // Expected bytes written out by hand from the README's definition (not produced by this code).
    String expected =
        "00000010"
            + "62696e6172792f656e63727970746564" // "binary/encrypted"
            + "00000001"
            + "31" // "1"
            + "00000009"
            + "74696e6b2d61656164" // "tink-aead"
            + "00000006"
            + "6f7264657273" // "orders"
            + "0000000a"
            + "34323934393637323935" // "4294967295"
            + "00000004"
            + "7a6c6962"; // "zlib"
    byte[] aad =
        WireFormat.associatedData(
            values("binary/encrypted", "1", "tink-aead", "orders", "4294967295", "zlib"));
    assertThat(HexFormat.of().formatHex(aad)).isEqualTo(expected);
    assertThat(aad).hasSize(70);
  }

  @Test
  void associatedData_ofEmptyValues_isJustTheLengths() {
    assertThat(WireFormat.associatedData(values("", "", "", "", "", "")))
        .hasSize(24)
        .containsOnly(0);
  }

  @Test
  void associatedData_distinguishesValuesThatConcatenateAlike() {
    byte[] a =
        WireFormat.associatedData(values("binary/encrypted", "1", "tink-aead", "ab", "1", "none"));
    byte[] b =
        WireFormat.associatedData(values("binary/encrypted", "1", "tink-aead", "a", "b1", "none"));
    assertThat(a).isNotEqualTo(b);
  }

  @Test
  void associatedData_withWrongNumberOfValues_isRefused() {
    assertThatThrownBy(() -> WireFormat.associatedData(values("binary/encrypted")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected 6");
  }

  @Test
  void keyIds_areUnsignedDecimal() {
    assertThat(WireFormat.keyIdText(-1)).isEqualTo("4294967295");
    assertThat(WireFormat.keyIdText(42)).isEqualTo("42");
    assertThat(WireFormat.qualifiedKeyId("orders", Integer.MIN_VALUE))
        .isEqualTo("orders/2147483648");
  }

  @Test
  void entryOrder_isTheDocumentedOrder() {
    assertThat(WireFormat.ENTRY_ORDER)
        .containsExactly(
            "encoding",
            "nexus-security-format",
            "nexus-security-scheme",
            "nexus-security-keyset",
            "nexus-security-key-id",
            "nexus-security-compression");
  }
}
