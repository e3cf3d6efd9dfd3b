package dev.nexussecurity.it.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The BOM has no parent, so it repeats the third-party versions it manages: each must be the parent
 * POM's property of the same name, the version this build compiles and tests against.
 */
class BomVersionsTest {
  @Test
  void everyBomVersionProperty_equalsTheParentPomsProperty() {
    Map<String, String> bom = PomFiles.properties(Path.of("..", "bom", "pom.xml"));
    Map<String, String> parent = PomFiles.properties(Path.of("..", "pom.xml"));

    assertThat(bom).isNotEmpty();
    for (Map.Entry<String, String> property : bom.entrySet()) {
      assertThat(parent)
          .as("the parent POM's property %s", property.getKey())
          .containsEntry(property.getKey(), property.getValue());
    }
    assertThat(bom)
        .containsKeys("temporal.version", "tink.version", "protobuf.version", "jackson.version");
  }

  @Test
  void bomVersion_isTheParentsVersion() {
    assertThat(PomFiles.projectVersion(Path.of("..", "bom", "pom.xml")))
        .isEqualTo(PomFiles.projectVersion(Path.of("..", "pom.xml")));
  }
}
