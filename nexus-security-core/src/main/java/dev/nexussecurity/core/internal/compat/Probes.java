package dev.nexussecurity.core.internal.compat;

import io.temporal.api.common.v1.WorkflowExecution;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** The built-in probe values of the converter compatibility check, and their types. */
public final class Probes {
  private Probes() {}

  /** One probe value with the type to decode it as. */
  public static final class Probe {
    public final String name;
    public final Object value;
    public final Type type;
    public final boolean userSample;

    public Probe(String name, Object value, Type type, boolean userSample) {
      this.name = name;
      this.value = value;
      this.type = type;
      this.userSample = userSample;
    }

    public Class<?> rawClass() {
      return rawClass(type);
    }

    static Class<?> rawClass(Type t) {
      if (t instanceof Class) {
        return (Class<?>) t;
      }
      if (t instanceof ParameterizedType) {
        return (Class<?>) ((ParameterizedType) t).getRawType();
      }
      return Object.class;
    }
  }

  /** An enum probe. */
  public enum Color {
    RED,
    GREEN,
    BLUE
  }

  /** A record probe. */
  public record Line(String sku, int quantity, List<String> tags) {}

  /** A mutable POJO probe with nested generics. */
  public static final class Order {
    private String id;
    private List<Line> lines = new ArrayList<>();
    private Map<String, List<Integer>> buckets = new LinkedHashMap<>();
    private Map<String, Line> bySku = new LinkedHashMap<>();
    private Optional<String> note = Optional.empty();
    private Color color;

    public Order() {}

    public String getId() {
      return id;
    }

    public void setId(String id) {
      this.id = id;
    }

    public List<Line> getLines() {
      return lines;
    }

    public void setLines(List<Line> lines) {
      this.lines = lines;
    }

    public Map<String, List<Integer>> getBuckets() {
      return buckets;
    }

    public void setBuckets(Map<String, List<Integer>> buckets) {
      this.buckets = buckets;
    }

    public Map<String, Line> getBySku() {
      return bySku;
    }

    public void setBySku(Map<String, Line> bySku) {
      this.bySku = bySku;
    }

    public Optional<String> getNote() {
      return note;
    }

    public void setNote(Optional<String> note) {
      this.note = note;
    }

    public Color getColor() {
      return color;
    }

    public void setColor(Color color) {
      this.color = color;
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof Order)) {
        return false;
      }
      Order x = (Order) o;
      return Objects.equals(id, x.id)
          && Objects.equals(lines, x.lines)
          && Objects.equals(buckets, x.buckets)
          && Objects.equals(bySku, x.bySku)
          && Objects.equals(note, x.note)
          && color == x.color;
    }

    @Override
    public int hashCode() {
      return Objects.hash(id, lines, buckets, bySku, note, color);
    }
  }

  /** A parameterized type {@code raw<args>}. */
  public static ParameterizedType parameterized(Class<?> raw, Type... args) {
    return new ParameterizedType() {
      @Override
      public Type[] getActualTypeArguments() {
        return args.clone();
      }

      @Override
      public Type getRawType() {
        return raw;
      }

      @Override
      public Type getOwnerType() {
        return null;
      }

      @Override
      public String getTypeName() {
        StringBuilder sb = new StringBuilder(raw.getTypeName()).append('<');
        for (int i = 0; i < args.length; i++) {
          sb.append(i == 0 ? "" : ", ").append(args[i].getTypeName());
        }
        return sb.append('>').toString();
      }

      @Override
      public boolean equals(Object o) {
        if (!(o instanceof ParameterizedType)) {
          return false;
        }
        ParameterizedType p = (ParameterizedType) o;
        return raw.equals(p.getRawType())
            && p.getOwnerType() == null
            && Arrays.equals(args, p.getActualTypeArguments());
      }

      @Override
      public int hashCode() {
        return Arrays.hashCode(args) ^ raw.hashCode();
      }

      @Override
      public String toString() {
        return getTypeName();
      }
    };
  }

  /** The built-in probes; {@code nearLimitBytes} sizes the large-value probe. */
  public static List<Probe> builtIn(int nearLimitBytes) {
    List<Probe> p = new ArrayList<>();
    p.add(new Probe("null", null, Object.class, false));
    p.add(new Probe("boolean", true, boolean.class, false));
    p.add(new Probe("Boolean", Boolean.FALSE, Boolean.class, false));
    p.add(new Probe("byte", (byte) -7, byte.class, false));
    p.add(new Probe("Byte", (byte) 127, Byte.class, false));
    p.add(new Probe("short", (short) -32768, short.class, false));
    p.add(new Probe("Short", (short) 12345, Short.class, false));
    p.add(new Probe("int", Integer.MIN_VALUE, int.class, false));
    p.add(new Probe("Integer", 42, Integer.class, false));
    p.add(new Probe("long", Long.MAX_VALUE, long.class, false));
    p.add(new Probe("Long", -1L, Long.class, false));
    p.add(new Probe("float", 3.25f, float.class, false));
    p.add(new Probe("Float", -0.5f, Float.class, false));
    p.add(new Probe("double", Math.PI, double.class, false));
    p.add(new Probe("Double", 1e300, Double.class, false));
    p.add(new Probe("char", 'é', char.class, false));
    p.add(new Probe("Character", 'Z', Character.class, false));
    p.add(new Probe("string (ASCII)", "hello, nexus", String.class, false));
    p.add(new Probe("string (empty)", "", String.class, false));
    p.add(
        new Probe(
            "string (non-ASCII)",
            "Grüße, 世界, مرحبا, emoji \uD83D\uDE80, zero\u0000byte",
            String.class,
            false));
    byte[] all = new byte[256];
    for (int i = 0; i < all.length; i++) {
      all[i] = (byte) i;
    }
    p.add(new Probe("byte[] (all 256 values)", all, byte[].class, false));
    p.add(new Probe("enum", Color.GREEN, Color.class, false));
    Line line = new Line("sku-1", 3, List.of("a", "ß"));
    p.add(new Probe("record", line, Line.class, false));
    Order order = new Order();
    order.setId("order-1");
    order.setLines(List.of(line, new Line("sku-2", 0, List.of())));
    Map<String, List<Integer>> buckets = new LinkedHashMap<>();
    buckets.put("x", List.of(1, 2, 3));
    buckets.put("y", List.of());
    order.setBuckets(buckets);
    order.setBySku(Map.of("sku-1", line));
    order.setNote(Optional.of("leave at door"));
    order.setColor(Color.BLUE);
    p.add(new Probe("POJO with nested generics", order, Order.class, false));
    p.add(
        new Probe(
            "List<String>",
            List.of("a", "b", "ç"),
            parameterized(List.class, String.class),
            false));
    Map<String, Integer> map = new LinkedHashMap<>();
    map.put("one", 1);
    map.put("two", 2);
    p.add(
        new Probe(
            "Map<String,Integer>",
            map,
            parameterized(Map.class, String.class, Integer.class),
            false));
    p.add(
        new Probe(
            "Optional<String>",
            Optional.of("present"),
            parameterized(Optional.class, String.class),
            false));
    p.add(new Probe("List<record>", List.of(line), parameterized(List.class, Line.class), false));
    p.add(
        new Probe(
            "protobuf message",
            WorkflowExecution.newBuilder().setWorkflowId("wf-1").setRunId("run-1").build(),
            WorkflowExecution.class,
            false));
    byte[] large = new byte[Math.max(0, nearLimitBytes)];
    for (int i = 0; i < large.length; i++) {
      large[i] = (byte) (i * 31 + 7);
    }
    p.add(new Probe("byte[] near the payload size limit", large, byte[].class, false));
    return p;
  }
}
