package dev.nexussecurity.core.internal.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.api.PayloadProtection;
import dev.nexussecurity.core.RegistryFileException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegistryJsonTest {
  private static final Path FILE = Path.of("registry.json");

  private static final NexusEndpoint E =
      NexusEndpoint.newBuilder()
          .setName("payments")
          .setTargetNamespace("payments-ns")
          .setTargetTaskQueue("q")
          .addAllowedCallerNamespace("b-ns")
          .addAllowedCallerNamespace("a-ns")
          .setVersion(2)
          .build();

  private static List<NexusEndpoint> read(String json) {
    return RegistryJson.read(FILE, json.getBytes(StandardCharsets.UTF_8));
  }

  private static RegistryFileException rejected(String json) {
    Throwable t = catchThrowable(() -> read(json));
    assertThat(t).isInstanceOf(RegistryFileException.class);
    return (RegistryFileException) t;
  }

  private static String document(String endpointFields) {
    return "{\"schemaVersion\": 1, \"endpoints\": [{" + endpointFields + "}]}";
  }

  private static final String REQUIRED =
      "\"name\": \"ab\", \"targetNamespace\": \"n\", \"targetTaskQueue\": \"q\","
          + " \"allowedCallerNamespaces\": [], \"version\": 1";

  @Test
  void write_usesOnlyNewlinesAndEndsWithOne() {
    String json = new String(RegistryJson.write(List.of(E)), StandardCharsets.UTF_8);

    assertThat(json).endsWith("}\n").doesNotContain("\r").doesNotContain("\t");
    assertThat(json)
        .contains("\"allowedCallerNamespaces\": [\n        \"a-ns\",\n        \"b-ns\"\n");
  }

  @Test
  void write_emptyRegistry_isAValidEmptyDocument() {
    byte[] json = RegistryJson.write(List.of());

    assertThat(new String(json, StandardCharsets.UTF_8))
        .isEqualTo("{\n  \"schemaVersion\": 1,\n  \"endpoints\": []\n}\n");
    assertThat(RegistryJson.read(FILE, json)).isEmpty();
  }

  @Test
  void read_fieldsInAnyOrder_areAccepted() {
    List<NexusEndpoint> endpoints =
        read(
            "{\"endpoints\": [{\"version\": 1, \"allowedCallerNamespaces\": [\"c\"],"
                + " \"description\": \"d\", \"targetTaskQueue\": \"q\", \"targetNamespace\": \"n\","
                + " \"name\": \"ab\"}], \"schemaVersion\": 1}");

    assertThat(endpoints)
        .singleElement()
        .satisfies(e -> assertThat(e.getDescription()).isEqualTo("d"));
  }

  @Test
  void read_nullDescription_isEmpty() {
    assertThat(read(document(REQUIRED + ", \"description\": null")).get(0).getDescription())
        .isEmpty();
  }

  @Test
  void read_nullRequiredField_isReportedAsMissing() {
    RegistryFileException e =
        rejected(
            document(REQUIRED.replace("\"targetNamespace\": \"n\"", "\"targetNamespace\": null")));

    assertThat(e.getField()).isEqualTo("targetNamespace");
    assertThat(e.getEndpointName()).isEqualTo("ab");
    assertThat(e.getProblem()).startsWith("required field is missing or null");
  }

  @Test
  void read_numberWhereStringExpected_isNotCoerced() {
    RegistryFileException e = rejected(document(REQUIRED.replace("\"n\"", "5")));

    assertThat(e.getField()).isEqualTo("targetNamespace");
    assertThat(e.getProblem()).startsWith("must be a string, got a whole number");
  }

  @Test
  void read_hugeVersion_isRejected() {
    RegistryFileException e =
        rejected(document(REQUIRED.replace("\"version\": 1", "\"version\": 99999999999999999999")));

    assertThat(e.getField()).isEqualTo("version");
    assertThat(e.getProblem())
        .isEqualTo("must fit a 64-bit integer, got 99999999999999999999 (endpoints[0])");
  }

  @Test
  void read_negativeVersion_isRejectedWithTheRule() {
    RegistryFileException e =
        rejected(document(REQUIRED.replace("\"version\": 1", "\"version\": -1")));

    assertThat(e.getField()).isEqualTo("version");
    assertThat(e.getProblem()).startsWith("value '-1' must be 1 or greater");
  }

  @Test
  void read_utf8ByteOrderMark_isAccepted() {
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    byte[] json = RegistryJson.write(List.of(E));
    byte[] withBom = new byte[bom.length + json.length];
    System.arraycopy(bom, 0, withBom, 0, bom.length);
    System.arraycopy(json, 0, withBom, bom.length, json.length);

    assertThat(RegistryJson.read(FILE, withBom)).containsExactly(E);
  }

  @Test
  void read_nonObjectEndpoint_isRejected() {
    RegistryFileException e = rejected("{\"schemaVersion\": 1, \"endpoints\": [\"payments\"]}");

    assertThat(e.getProblem()).isEqualTo("endpoints[0] must be a JSON object, found a string");
  }

  @Test
  void read_namespaceSpelledTwoWays_isRejectedNamingBothPlaces() {
    RegistryFileException e =
        rejected(
            "{\"schemaVersion\": 1, \"endpoints\": [{"
                + REQUIRED.replace("[]", "[\"Orders\"]")
                + "}, {"
                + REQUIRED.replace("\"ab\"", "\"cd\"").replace("[]", "[\"orders\"]")
                + "}]}");

    assertThat(e.getEndpointName()).isEqualTo("cd");
    assertThat(e.getField()).isEqualTo("allowedCallerNamespaces");
    assertThat(e.getProblem())
        .startsWith(
            "namespace 'orders' differs only in case from 'Orders'"
                + " (endpoints[0].allowedCallerNamespaces, line 1)");
  }

  @Test
  void read_sameNamespaceInTheSameSpellingEverywhere_isAccepted() {
    List<NexusEndpoint> endpoints =
        read(
            "{\"schemaVersion\": 1, \"endpoints\": [{"
                + REQUIRED.replace("[]", "[\"n\"]")
                + "}, {"
                + REQUIRED.replace("\"ab\"", "\"cd\"").replace("[]", "[\"n\"]")
                + "}]}");

    assertThat(endpoints).hasSize(2);
  }

  @Test
  void read_oversizedFile_isRejectedBeforeParsing() {
    byte[] huge = new byte[RegistryJson.MAX_FILE_BYTES + 1];
    java.util.Arrays.fill(huge, (byte) ' ');
    huge[0] = '{';

    RegistryFileException e =
        (RegistryFileException) catchThrowable(() -> RegistryJson.read(FILE, huge));

    assertThat(e.getProblem())
        .isEqualTo("is 67108865 bytes, more than the limit of " + RegistryJson.MAX_FILE_BYTES);
  }

  @Test
  void write_rejectsUnstoredAndDuplicateEndpoints() {
    assertThatThrownBy(() -> RegistryJson.write(List.of(E.toBuilder().setVersion(0).build())))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RegistryJson.write(List.of(E, E)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void write_endpointWithoutProtection_hasNoProtectionFields_sameBytesAsBefore() {
    String json = new String(RegistryJson.write(List.of(E)), StandardCharsets.UTF_8);

    assertThat(json).doesNotContain("payloadProtection").doesNotContain("PayloadProtection");
  }

  @Test
  void writeThenRead_withProtections_roundTrips() {
    NexusEndpoint protectedEndpoint =
        E.toBuilder()
            .setPayloadProtection(PayloadProtection.pairwise())
            .putServicePayloadProtection("refunds", PayloadProtection.shared("refunds-key"))
            .putServicePayloadProtection("audit", PayloadProtection.authenticated())
            .putServicePayloadProtection("secrets", PayloadProtection.hpke())
            .build();

    byte[] json = RegistryJson.write(List.of(protectedEndpoint));

    assertThat(RegistryJson.read(FILE, json)).containsExactly(protectedEndpoint);
    assertThat(new String(json, StandardCharsets.UTF_8))
        .contains("\"payloadProtection\": \"pairwise\"")
        .contains(
            "\"servicePayloadProtections\": {\n        \"audit\": \"authenticated\",\n"
                + "        \"refunds\": \"shared:refunds-key\",\n"
                + "        \"secrets\": \"hpke\"\n      }");
  }

  @Test
  void read_oldFileWithoutProtection_loadsWithTheWorkersDefault() {
    NexusEndpoint e = read(document(REQUIRED)).get(0);

    assertThat(e.getDefaultPayloadProtection()).isEmpty();
    assertThat(e.getServicePayloadProtections()).isEmpty();
    assertThat(e.getPayloadProtection("any")).isEmpty();
  }

  @Test
  void read_nullProtectionFields_meanNone() {
    NexusEndpoint e =
        read(document(
                REQUIRED + ", \"payloadProtection\": null, \"servicePayloadProtections\": null"))
            .get(0);

    assertThat(e.getPayloadProtection("any")).isEmpty();
  }

  @Test
  void read_unknownMode_isRejectedNamingTheAcceptedForms() {
    RegistryFileException e = rejected(document(REQUIRED + ", \"payloadProtection\": \"rot13\""));

    assertThat(e.getField()).isEqualTo("payloadProtection");
    assertThat(e.getEndpointName()).isEqualTo("ab");
    assertThat(e.getLine()).isEqualTo(1);
    assertThat(e.getProblem())
        .contains("'rot13'")
        .contains("shared:<keyset>")
        .contains("pairwise")
        .contains("hpke")
        .contains("authenticated");
  }

  @Test
  void read_sharedWithoutKeysetName_isRejected() {
    for (String bad : List.of("shared", "shared:", "shared:bad name")) {
      RegistryFileException e =
          rejected(document(REQUIRED + ", \"payloadProtection\": \"" + bad + "\""));

      assertThat(e.getField()).isEqualTo("payloadProtection");
      assertThat(e.getProblem()).contains("shared:<keyset>");
    }
  }

  @Test
  void read_protectionOfWrongJsonType_isNotCoerced() {
    RegistryFileException e = rejected(document(REQUIRED + ", \"payloadProtection\": 1"));
    assertThat(e.getField()).isEqualTo("payloadProtection");
    assertThat(e.getProblem()).startsWith("must be a string");

    RegistryFileException list =
        rejected(document(REQUIRED + ", \"servicePayloadProtections\": [\"pairwise\"]"));
    assertThat(list.getField()).isEqualTo("servicePayloadProtections");
    assertThat(list.getProblem()).contains("must be an object from Nexus service name");
  }

  @Test
  void read_serviceOverrideForEmptyServiceName_isRejected() {
    RegistryFileException e =
        rejected(document(REQUIRED + ", \"servicePayloadProtections\": {\"\": \"pairwise\"}"));

    assertThat(e.getField()).isEqualTo("servicePayloadProtections");
    assertThat(e.getProblem()).contains("non-empty Nexus service name");
  }

  @Test
  void read_serviceOverrideWithUnknownMode_namesTheService() {
    RegistryFileException e =
        rejected(
            document(REQUIRED + ", \"servicePayloadProtections\": {\"refunds\": \"cleartext\"}"));

    assertThat(e.getField()).isEqualTo("servicePayloadProtections.refunds");
    assertThat(e.getProblem()).contains("'cleartext'").contains("service 'refunds'");
  }

  @Test
  void read_duplicateServiceInOverrides_isRejected() {
    Throwable t =
        catchThrowable(
            () ->
                read(
                    document(
                        REQUIRED
                            + ", \"servicePayloadProtections\": {\"a\": \"hpke\", \"a\":"
                            + " \"pairwise\"}")));

    assertThat(t).isInstanceOf(RegistryFileException.class);
    assertThat(((RegistryFileException) t).getProblem()).contains("a");
  }

  @Test
  void read_aByteOrderMarkAndWhitespaceOnly_isAnEmptyFile() {
    for (String content : new String[] {"\uFEFF", "\uFEFF \n\t\r", " "}) {
      assertThatThrownBy(() -> RegistryJson.read(FILE, content.getBytes(StandardCharsets.UTF_8)))
          .isInstanceOf(RegistryFileException.class)
          .hasMessageContaining("is empty; expected a JSON object");
    }
    assertThatThrownBy(() -> RegistryJson.read(FILE, "\uFEFFx".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(RegistryFileException.class)
        .hasMessageNotContaining("is empty");
  }

  @Test
  void read_anErrorWithoutAPosition_hasNoLineOrColumn() {
    RegistryFileException e =
        (RegistryFileException)
            catchThrowable(() -> RegistryJson.read(FILE, new byte[] {0, 0, 0, 9, 0}));

    assertThat(e.getLine()).isEqualTo(-1);
    assertThat(e.getColumn()).isEqualTo(-1);
    assertThat(e.getMessage()).doesNotContain("line");
  }
}
