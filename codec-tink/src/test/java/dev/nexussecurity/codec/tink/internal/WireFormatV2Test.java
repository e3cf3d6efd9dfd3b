package dev.nexussecurity.codec.tink.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WireFormatV2Test {
  /** 14 fields; the operation (index 10) is {@code operationLength} bytes long. */
  static ByteString[] fields(int operationLength) {
    ByteString[] v = new ByteString[WireFormatV2.FIELD_COUNT];
    for (int i = 0; i < v.length; i++) {
      v[i] = ByteString.copyFromUtf8(WireFormatV2.FIELD_NAMES.get(i) + "-value");
    }
    v[10] = ByteString.copyFromUtf8("o".repeat(operationLength));
    v[5] = ByteString.EMPTY;
    return v;
  }

  @Test
  void associatedData_isLengthPrefixedBigEndian_andReadsBack_forFieldsOfEveryLengthByteInUse()
      throws Exception {
    for (int length : List.of(0, 1, 255, 256, 300, 65_535, 65_536, 70_000)) {
      ByteString[] v = fields(length);

      byte[] ad = WireFormatV2.associatedData(v);

      int at = 0;
      for (int i = 0; i < 10; i++) {
        at += 4 + v[i].size();
      }
      assertThat(Arrays.copyOfRange(ad, at, at + 4))
          .as("length prefix of a %d-byte field", length)
          .containsExactly(
              (byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length);
      int[] off = WireFormatV2.offsets(ad);
      assertThat(off).as("%d-byte field", length).isNotNull();
      assertThat(off[WireFormatV2.FIELD_COUNT]).isEqualTo(ad.length);
      for (int i = 0; i < v.length; i++) {
        assertThat(WireFormatV2.field(ad, off, i)).isEqualTo(v[i]);
        assertThat(WireFormatV2.fieldEquals(ad, off, i, v[i].toByteArray())).isTrue();
      }
      Map<String, String> named = WireFormatV2.contextFields(ByteString.copyFrom(ad));
      assertThat(named).as("%d-byte field", length).isNotNull();
      assertThat(named.get("operation")).hasSize(length);
      assertThat(new ArrayList<>(named.keySet())).isEqualTo(WireFormatV2.FIELD_NAMES);

      byte[] viaPut = new byte[ad.length];
      int p = 0;
      for (ByteString f : v) {
        p = WireFormatV2.put(viaPut, p, f);
      }
      assertThat(p).isEqualTo(ad.length);
      assertThat(viaPut).isEqualTo(ad);
    }
  }

  @Test
  void aFieldLongerThanWhatFollows_isNotAContext() {
    byte[] ad = WireFormatV2.associatedData(fields(3));
    byte[] truncated = Arrays.copyOf(ad, ad.length - 1);
    byte[] extra = Arrays.copyOf(ad, ad.length + 1);

    assertThat(WireFormatV2.offsets(truncated)).isNull();
    assertThat(WireFormatV2.contextFields(ByteString.copyFrom(truncated))).isNull();
    assertThat(WireFormatV2.offsets(extra)).isNull();
    assertThat(WireFormatV2.contextFields(ByteString.copyFrom(extra))).isNull();
    byte[] hugeLength = ad.clone();
    hugeLength[0] = 0x7f;
    assertThat(WireFormatV2.offsets(hugeLength)).isNull();
    assertThat(WireFormatV2.contextFields(ByteString.copyFrom(hugeLength))).isNull();
  }
}
