package dev.nexussecurity.core.internal.compat;

import dev.nexussecurity.api.CodecDescriptor;
import dev.nexussecurity.api.DescribedCodec;
import io.temporal.common.converter.CodecDataConverter;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.common.converter.PayloadConverter;
import io.temporal.payload.codec.ChainCodec;
import io.temporal.payload.codec.PayloadCodec;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the structure of the SDK's data converters. The SDK (1.38.0) exposes neither a
 * CodecDataConverter's codecs nor a DefaultDataConverter's payload converters, so this reads their
 * fields reflectively; when the fields are not there (another SDK version, another converter class)
 * the part is reported unknown, which never causes a denial.
 */
public final class ConverterIntrospection {
  private ConverterIntrospection() {}

  /** What could be read of a converter; null parts are unknown. */
  public static final class Structure {
    private final List<String> encodings;
    private final List<CodecDescriptor> codecs;

    Structure(List<String> encodings, List<CodecDescriptor> codecs) {
      this.encodings = encodings;
      this.codecs = codecs;
    }

    public List<String> getEncodings() {
      return encodings;
    }

    public List<CodecDescriptor> getCodecs() {
      return codecs;
    }
  }

  public static Structure inspect(DataConverter converter) {
    List<CodecDescriptor> codecs = new ArrayList<>();
    DataConverter current = converter;
    // CodecDataConverters may be nested; the outer one's codecs are applied last on encode.
    while (current instanceof CodecDataConverter) {
      Object chain = read(current, CodecDataConverter.class, "chainCodec");
      Object inner = read(current, CodecDataConverter.class, "dataConverter");
      if (!(chain instanceof ChainCodec) || !(inner instanceof DataConverter)) {
        return new Structure(null, null);
      }
      Object list = read(chain, ChainCodec.class, "codecs");
      if (!(list instanceof List)) {
        return new Structure(null, null);
      }
      for (Object codec : (List<?>) list) {
        codecs.add(describe((PayloadCodec) codec));
      }
      current = (DataConverter) inner;
    }
    return new Structure(encodings(current), codecs);
  }

  /** The descriptor of one codec: its own description, or its class name. */
  public static CodecDescriptor describe(PayloadCodec codec) {
    if (codec instanceof DescribedCodec) {
      try {
        CodecDescriptor d = ((DescribedCodec) codec).describe();
        if (d != null) {
          return d;
        }
      } catch (RuntimeException e) {
        // fall through to the class name
      }
    }
    return CodecDescriptor.newBuilder(codec.getClass().getName()).build();
  }

  private static List<String> encodings(DataConverter converter) {
    if (!(converter instanceof DefaultDataConverter)) {
      return null;
    }
    Object list = read(converter, DefaultDataConverter.class.getSuperclass(), "converters");
    if (!(list instanceof List)) {
      return null;
    }
    List<String> out = new ArrayList<>();
    for (Object pc : (List<?>) list) {
      if (!(pc instanceof PayloadConverter)) {
        return null;
      }
      out.add(((PayloadConverter) pc).getEncodingType());
    }
    return out;
  }

  private static Object read(Object target, Class<?> declaring, String field) {
    try {
      Field f = declaring.getDeclaredField(field);
      f.setAccessible(true);
      return f.get(target);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }
}
