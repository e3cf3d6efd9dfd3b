package dev.nexussecurity.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CommandLineTest {
  @Test
  void parse_acceptsSpaceAndEqualsFormsAndFlags() {
    Map<String, String> options =
        CommandLine.parse(
            new String[] {"--keys", "/tmp/k", "--profile=payments", "--keep-files"},
            "--keys",
            "--profile",
            "--keep-files");

    assertThat(options)
        .containsExactly(
            Map.entry("--keys", "/tmp/k"),
            Map.entry("--profile", "payments"),
            Map.entry("--keep-files", "true"));
  }

  @Test
  void parse_unknownOptionOrStrayArgument_isRefusedListingTheOptions() {
    assertThatThrownBy(() -> CommandLine.parse(new String[] {"--port", "1"}, "--keys"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Unknown option '--port'")
        .hasMessageContaining("[--keys]");
    assertThatThrownBy(() -> CommandLine.parse(new String[] {"keys"}, "--keys"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Unexpected argument 'keys'");
  }

  @Test
  void required_missingOrWithoutValue_namesTheOption() {
    assertThatThrownBy(() -> CommandLine.required(Map.of(), "--keys"))
        .hasMessage("Option --keys VALUE is required");
    assertThatThrownBy(() -> CommandLine.required(Map.of("--keys", "true"), "--keys"))
        .hasMessage("Option --keys VALUE is required");
    assertThat(CommandLine.required(Map.of("--keys", "/tmp/k"), "--keys")).isEqualTo("/tmp/k");
  }
}
