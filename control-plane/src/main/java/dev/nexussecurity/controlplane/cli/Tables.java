package dev.nexussecurity.controlplane.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Plain-text tables for the command-line client. */
final class Tables {
  private Tables() {}

  static String list(List<Map<String, Object>> endpoints) {
    List<String[]> rows = new ArrayList<>();
    rows.add(
        new String[] {
          "NAME", "TARGET NAMESPACE", "TARGET TASK QUEUE", "ALLOWED CALLERS", "VERSION"
        });
    for (Map<String, Object> e : endpoints) {
      List<String> callers = Specs.callers(e);
      rows.add(
          new String[] {
            Specs.name(e),
            Specs.namespace(e),
            Specs.taskQueue(e),
            callers.isEmpty() ? "(nobody)" : String.join(",", callers),
            String.valueOf(e.get("resourceVersion"))
          });
    }
    return format(rows);
  }

  static String details(Map<String, Object> e) {
    List<String> callers = Specs.callers(e);
    String nl = System.lineSeparator();
    return "Name:               "
        + Specs.name(e)
        + nl
        + "Target namespace:   "
        + Specs.namespace(e)
        + nl
        + "Target task queue:  "
        + Specs.taskQueue(e)
        + nl
        + "Allowed callers:    "
        + (callers.isEmpty() ? "(nobody)" : String.join(", ", callers))
        + nl
        + "Payload protection: "
        + Specs.protectionSummary(e)
        + nl
        + "Resource version:   "
        + e.get("resourceVersion")
        + nl
        + "Description:        "
        + Specs.description(e).replace("\n", nl + "                    ")
        + nl;
  }

  private static String format(List<String[]> rows) {
    int[] widths = new int[rows.get(0).length];
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        widths[i] = Math.max(widths[i], r[i].length());
      }
    }
    StringBuilder b = new StringBuilder();
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        b.append(i == r.length - 1 ? r[i] : String.format("%-" + (widths[i] + 2) + "s", r[i]));
      }
      b.append(System.lineSeparator());
    }
    return b.toString();
  }
}
