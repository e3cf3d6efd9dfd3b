package dev.nexussecurity.examples;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A minimal parser for the example mains' {@code --name value} / {@code --name=value} options. */
final class CommandLine {
  private CommandLine() {}

  /**
   * Parses {@code args}; every option must be one of {@code allowed}. An option without a value
   * (the last argument, or followed by another option) maps to {@code "true"}.
   *
   * @throws IllegalArgumentException for an unknown option or a stray argument
   */
  static Map<String, String> parse(String[] args, String... allowed) {
    List<String> known = List.of(allowed);
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("Unexpected argument '" + arg + "'; options: " + known);
      }
      String name = arg;
      String value = null;
      int eq = arg.indexOf('=');
      if (eq > 0) {
        name = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
        value = args[++i];
      }
      if (!known.contains(name)) {
        throw new IllegalArgumentException("Unknown option '" + name + "'; options: " + known);
      }
      options.put(name, value == null ? "true" : value);
    }
    return options;
  }

  /** The value of a required option. */
  static String required(Map<String, String> options, String name) {
    String value = options.get(name);
    if (value == null || value.equals("true")) {
      throw new IllegalArgumentException("Option " + name + " VALUE is required");
    }
    return value;
  }
}
