package dev.nexussecurity.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;
import org.junit.jupiter.params.provider.ValueSource;

class NexusEndpointTest {

  private static NexusEndpoint.Builder valid() {
    return NexusEndpoint.newBuilder()
        .setName("payments")
        .setTargetNamespace("payments-ns")
        .setTargetTaskQueue("payments-nexus");
  }

  private static EndpointValidationException rejected(ThrowingCallable call) {
    Throwable thrown = catchThrowable(call);
    assertThat(thrown).isInstanceOf(EndpointValidationException.class);
    return (EndpointValidationException) thrown;
  }

  @Test
  void build_withRequiredFields_hasDefaults() {
    NexusEndpoint e = valid().build();

    assertThat(e.getName()).isEqualTo("payments");
    assertThat(e.getTargetNamespace()).isEqualTo("payments-ns");
    assertThat(e.getTargetTaskQueue()).isEqualTo("payments-nexus");
    assertThat(e.getAllowedCallerNamespaces()).isEmpty();
    assertThat(e.getDescription()).isEmpty();
    assertThat(e.getVersion()).isZero();
  }

  @Nested
  class Name {
    @ParameterizedTest(name = "[{index}] ''{0}'' valid={1}: {2}")
    @CsvFileSource(
        resources = "endpoint-names.csv",
        delimiter = '|',
        numLinesToSkip = 1,
        ignoreLeadingAndTrailingWhitespace = false)
    void setName_followsServerPattern(String name, boolean valid, String why) {
      if (valid) {
        assertThat(valid().setName(name).build().getName()).isEqualTo(name);
      } else {
        EndpointValidationException e = rejected(() -> valid().setName(name));
        assertThat(e.getField()).isEqualTo("name");
        assertThat(e.getValue()).isEqualTo(name);
        assertThat(e.getRule()).contains(NexusEndpoint.NAME_PATTERN.pattern());
        assertThat(e.getMessage()).contains("field 'name'").matches("[\\x20-\\x7e]*");
        if (name.matches("[\\x20-\\x5b\\x5d-\\x7e]*")) {
          assertThat(e.getMessage()).contains("'" + name + "'");
        }
      }
    }

    @Test
    void setName_withMaximumLength_isAccepted() {
      String name = "a".repeat(NexusEndpoint.MAX_NAME_LENGTH);

      assertThat(valid().setName(name).build().getName()).hasSize(200);
    }

    @Test
    void setName_longerThanMaximum_isRejected() {
      String name = "a".repeat(NexusEndpoint.MAX_NAME_LENGTH + 1);

      EndpointValidationException e = rejected(() -> valid().setName(name));

      assertThat(e.getField()).isEqualTo("name");
      assertThat(e.getRule()).isEqualTo("is 201 characters; at most 200 are allowed");
      assertThat(e.getMessage()).contains("...(201 chars)").doesNotContain(name);
    }

    @Test
    void setName_withNull_isRejected() {
      EndpointValidationException e = rejected(() -> valid().setName(null));

      assertThat(e.getField()).isEqualTo("name");
      assertThat(e.getRule()).isEqualTo("is required");
      assertThat(e.getValue()).isNull();
    }

    @Test
    void setName_withEmpty_isRejected() {
      EndpointValidationException e = rejected(() -> valid().setName(""));

      assertThat(e.getField()).isEqualTo("name");
      assertThat(e.getRule()).isEqualTo("is required");
    }

    @Test
    void build_withoutName_isRejected() {
      EndpointValidationException e =
          rejected(
              () ->
                  NexusEndpoint.newBuilder()
                      .setTargetNamespace("ns")
                      .setTargetTaskQueue("q")
                      .build());

      assertThat(e.getField()).isEqualTo("name");
      assertThat(e.getRule()).isEqualTo("is required");
    }
  }

  @Nested
  class TargetNamespace {
    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\t", " ns", "ns ", "ns\n", "n s"})
    void setTargetNamespace_emptyOrWithWhitespace_isRejectedWithTheRule(String namespace) {
      EndpointValidationException e = rejected(() -> valid().setTargetNamespace(namespace));

      assertThat(e.getField()).isEqualTo("targetNamespace");
      assertThat(e.getEndpointName()).isEqualTo("payments");
      assertThat(e.getValue()).isEqualTo(namespace);
      assertThat(e.getRule())
          .startsWith("is not a valid namespace name: it ")
          .endsWith(NamespaceNames.RULE);
    }

    @Test
    void setTargetNamespace_null_isRejected() {
      EndpointValidationException e = rejected(() -> valid().setTargetNamespace(null));

      assertThat(e.getField()).isEqualTo("targetNamespace");
      assertThat(e.getValue()).isNull();
      assertThat(e.getRule()).isEqualTo("is required");
    }

    @Test
    void setTargetNamespace_lookAlike_isRejected_pointingAtTheCharacter() {
      EndpointValidationException e = rejected(() -> valid().setTargetNamespace("p\u0430yments"));

      assertThat(e.getMessage())
          .isEqualTo(
              "Invalid Nexus endpoint 'payments': field 'targetNamespace' value 'p\\u0430yments'"
                  + " is not a valid namespace name: it has U+0430 (CYRILLIC SMALL LETTER A) as"
                  + " character 2, which is not ASCII; "
                  + NamespaceNames.RULE);
    }

    @Test
    void build_withoutTargetNamespace_isRejected() {
      EndpointValidationException e =
          rejected(() -> NexusEndpoint.newBuilder().setName("ab").setTargetTaskQueue("q").build());

      assertThat(e.getField()).isEqualTo("targetNamespace");
      assertThat(e.getRule()).isEqualTo("is required");
      assertThat(e.getEndpointName()).isEqualTo("ab");
    }
  }

  @Nested
  class TargetTaskQueue {
    @ParameterizedTest(name = "[{index}] ''{0}'' valid={1}: {2}")
    @CsvFileSource(resources = "task-queues.csv", delimiter = '|', numLinesToSkip = 1)
    void setTargetTaskQueue_rejectsReservedPrefix(String taskQueue, boolean valid, String why) {
      if (valid) {
        assertThat(valid().setTargetTaskQueue(taskQueue).build().getTargetTaskQueue())
            .isEqualTo(taskQueue);
      } else {
        EndpointValidationException e = rejected(() -> valid().setTargetTaskQueue(taskQueue));
        assertThat(e.getField()).isEqualTo("targetTaskQueue");
        assertThat(e.getRule()).isEqualTo("must not start with the reserved prefix /_sys/");
      }
    }

    @Test
    void setTargetTaskQueue_empty_isRejected() {
      EndpointValidationException e = rejected(() -> valid().setTargetTaskQueue(""));

      assertThat(e.getField()).isEqualTo("targetTaskQueue");
      assertThat(e.getRule()).isEqualTo("must not be empty");
    }

    @Test
    void setTargetTaskQueue_null_isRejected() {
      EndpointValidationException e = rejected(() -> valid().setTargetTaskQueue(null));

      assertThat(e.getField()).isEqualTo("targetTaskQueue");
      assertThat(e.getRule()).isEqualTo("must not be empty");
    }

    @Test
    void setTargetTaskQueue_with1000Bytes_isAccepted() {
      String q = "q".repeat(1000);

      assertThat(valid().setTargetTaskQueue(q).build().getTargetTaskQueue()).isEqualTo(q);
    }

    @Test
    void setTargetTaskQueue_with1001Bytes_isRejected() {
      EndpointValidationException e = rejected(() -> valid().setTargetTaskQueue("q".repeat(1001)));

      assertThat(e.getField()).isEqualTo("targetTaskQueue");
      assertThat(e.getRule()).isEqualTo("is 1001 UTF-8 bytes; at most 1000 are allowed");
    }

    @Test
    void setTargetTaskQueue_countsUtf8BytesNotCharacters() {
      // 334 three-byte characters: 334 chars but 1002 bytes.
      String q = "\u20ac".repeat(334);

      EndpointValidationException e = rejected(() -> valid().setTargetTaskQueue(q));

      assertThat(e.getRule()).isEqualTo("is 1002 UTF-8 bytes; at most 1000 are allowed");
    }

    @Test
    void build_withoutTargetTaskQueue_isRejected() {
      EndpointValidationException e =
          rejected(() -> NexusEndpoint.newBuilder().setName("ab").setTargetNamespace("n").build());

      assertThat(e.getField()).isEqualTo("targetTaskQueue");
      assertThat(e.getRule()).isEqualTo("is required");
    }
  }

  @Nested
  class AllowedCallerNamespaces {
    @Test
    void allowlist_isSortedAndDeduplicated() {
      NexusEndpoint e =
          valid()
              .addAllowedCallerNamespace("orders-ns")
              .addAllowedCallerNamespace("billing-ns")
              .addAllowedCallerNamespace("orders-ns")
              .build();

      assertThat(e.getAllowedCallerNamespaces()).containsExactly("billing-ns", "orders-ns");
    }

    @Test
    void allowlist_isUnmodifiable() {
      NexusEndpoint e = valid().addAllowedCallerNamespace("orders-ns").build();

      assertThatThrownBy(() -> e.getAllowedCallerNamespaces().add("evil-ns"))
          .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void setAllowedCallerNamespaces_copiesTheCollection() {
      List<String> callers = new ArrayList<>(List.of("orders-ns"));
      NexusEndpoint e = valid().setAllowedCallerNamespaces(callers).build();

      callers.add("evil-ns");

      assertThat(e.getAllowedCallerNamespaces()).containsExactly("orders-ns");
    }

    @Test
    void builder_changesAfterBuild_doNotAffectBuiltEndpoint() {
      NexusEndpoint.Builder b = valid().addAllowedCallerNamespace("orders-ns");
      NexusEndpoint e = b.build();

      b.addAllowedCallerNamespace("evil-ns").removeAllowedCallerNamespace("orders-ns");

      assertThat(e.getAllowedCallerNamespaces()).containsExactly("orders-ns");
    }

    @Test
    void setAllowedCallerNamespaces_replacesPreviousEntries() {
      NexusEndpoint e =
          valid()
              .addAllowedCallerNamespace("old-ns")
              .setAllowedCallerNamespaces(List.of("new-ns"))
              .build();

      assertThat(e.getAllowedCallerNamespaces()).containsExactly("new-ns");
    }

    @Test
    void setAllowedCallerNamespaces_withInvalidEntry_isRejectedAndKeepsPreviousEntries() {
      NexusEndpoint.Builder b = valid().addAllowedCallerNamespace("old-ns");

      EndpointValidationException e =
          rejected(() -> b.setAllowedCallerNamespaces(Arrays.asList("new-ns", " ")));

      assertThat(e.getField()).isEqualTo("allowedCallerNamespaces");
      assertThat(b.build().getAllowedCallerNamespaces()).containsExactly("old-ns");
    }

    @Test
    void setAllowedCallerNamespaces_withNullEntry_isRejected() {
      EndpointValidationException e =
          rejected(() -> valid().setAllowedCallerNamespaces(Arrays.asList("a-ns", null)));

      assertThat(e.getField()).isEqualTo("allowedCallerNamespaces");
      assertThat(e.getRule()).isEqualTo("is required");
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "p\u0430yments", // Cyrillic a
          "pay\u200Bments", // zero-width space
          "pay\nments",
          "pay ments",
          "payments\u202E", // right-to-left override
          "\u00A0payments" // no-break space
        })
    void addAllowedCallerNamespace_oddName_isRejected_andTheAllowlistUnchanged(String name) {
      NexusEndpoint.Builder b = valid().addAllowedCallerNamespace("orders-ns");

      EndpointValidationException e = rejected(() -> b.addAllowedCallerNamespace(name));

      assertThat(e.getField()).isEqualTo("allowedCallerNamespaces");
      assertThat(e.getValue()).isEqualTo(name);
      assertThat(e.getRule()).contains(" as character ").endsWith(NamespaceNames.RULE);
      assertThat(e.getMessage()).matches("[\\x20-\\x7E]*");
      assertThat(b.build().getAllowedCallerNamespaces()).containsExactly("orders-ns");
    }

    @Test
    void allowlistEntryDifferingOnlyInCaseFromTheTarget_isRejected_namingBoth() {
      EndpointValidationException e =
          rejected(
              () ->
                  NexusEndpoint.newBuilder()
                      .setName("payments")
                      .setTargetNamespace("payments")
                      .setTargetTaskQueue("q")
                      .addAllowedCallerNamespace("Payments")
                      .build());

      assertThat(e.getField()).isEqualTo("allowedCallerNamespaces");
      assertThat(e.getValue()).isEqualTo("Payments");
      assertThat(e.getRule())
          .startsWith("differs only in case from the target namespace 'payments';")
          .contains("use the namespace's exact spelling");
    }

    @Test
    void twoAllowlistEntriesDifferingOnlyInCase_areRejected() {
      EndpointValidationException e =
          rejected(
              () ->
                  valid()
                      .addAllowedCallerNamespace("orders-ns")
                      .addAllowedCallerNamespace("Orders-NS")
                      .build());

      assertThat(e.getRule())
          .startsWith("differs only in case from the allowed caller namespace '");
    }

    @Test
    void targetNamespaceOnItsOwnAllowlist_inTheSameSpelling_isAccepted() {
      NexusEndpoint e =
          valid()
              .setTargetNamespace("payments-ns")
              .addAllowedCallerNamespace("payments-ns")
              .build();

      assertThat(e.isCallerAllowed("payments-ns")).isTrue();
      assertThat(e.isCallerAllowed("Payments-ns")).isFalse();
    }

    @Test
    void setAllowedCallerNamespaces_withNullCollection_isRejected() {
      EndpointValidationException e = rejected(() -> valid().setAllowedCallerNamespaces(null));

      assertThat(e.getField()).isEqualTo("allowedCallerNamespaces");
      assertThat(e.getRule()).isEqualTo("is required");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  "})
    void addAllowedCallerNamespace_blank_isRejected(String namespace) {
      EndpointValidationException e = rejected(() -> valid().addAllowedCallerNamespace(namespace));

      assertThat(e.getField()).isEqualTo("allowedCallerNamespaces");
      assertThat(e.getRule()).startsWith("is not a valid namespace name: it ");
    }

    @Test
    void addAllowedCallerNamespace_withSurroundingWhitespace_isRejected() {
      EndpointValidationException e = rejected(() -> valid().addAllowedCallerNamespace("ns "));

      assertThat(e.getRule())
          .isEqualTo(
              "is not a valid namespace name: it has U+0020 (whitespace) as character 3, which is"
                  + " not allowed; "
                  + NamespaceNames.RULE);
    }

    @Test
    void removeAllowedCallerNamespace_removesOnlyThatEntry() {
      NexusEndpoint e =
          valid()
              .addAllowedCallerNamespace("a-ns")
              .addAllowedCallerNamespace("b-ns")
              .removeAllowedCallerNamespace("a-ns")
              .removeAllowedCallerNamespace("absent-ns")
              .build();

      assertThat(e.getAllowedCallerNamespaces()).containsExactly("b-ns");
    }

    @Test
    void isCallerAllowed_listedCaller_isAllowed() {
      NexusEndpoint e = valid().addAllowedCallerNamespace("orders-ns").build();

      assertThat(e.isCallerAllowed("orders-ns")).isTrue();
    }

    @Test
    void isCallerAllowed_unlistedCaller_isDenied() {
      NexusEndpoint e = valid().addAllowedCallerNamespace("orders-ns").build();

      assertThat(e.isCallerAllowed("billing-ns")).isFalse();
      assertThat(e.isCallerAllowed("ORDERS-NS")).isFalse();
      assertThat(e.isCallerAllowed(null)).isFalse();
    }

    @Test
    void isCallerAllowed_emptyAllowlist_deniesEveryoneIncludingTargetNamespace() {
      NexusEndpoint e = valid().build();

      assertThat(e.isCallerAllowed("payments-ns")).isFalse();
      assertThat(e.isCallerAllowed("orders-ns")).isFalse();
    }
  }

  @Nested
  class Description {
    @Test
    void setDescription_null_isEmpty() {
      assertThat(valid().setDescription(null).build().getDescription()).isEmpty();
    }

    @Test
    void setDescription_with20000Bytes_isAccepted() {
      String d = "d".repeat(20_000);

      assertThat(valid().setDescription(d).build().getDescription()).hasSize(20_000);
    }

    @Test
    void setDescription_over20000Bytes_isRejected() {
      // 10,001 two-byte characters: 20,002 bytes.
      String d = "\u00e9".repeat(10_001);

      EndpointValidationException e = rejected(() -> valid().setDescription(d));

      assertThat(e.getField()).isEqualTo("description");
      assertThat(e.getEndpointName()).isEqualTo("payments");
      assertThat(e.getRule()).isEqualTo("is 20002 UTF-8 bytes; at most 20000 are allowed");
      assertThat(e.getMessage()).hasSizeLessThan(400);
    }
  }

  @Nested
  class Version {
    @Test
    void setVersion_negative_isRejected() {
      EndpointValidationException e = rejected(() -> valid().setVersion(-1));

      assertThat(e.getField()).isEqualTo("version");
      assertThat(e.getValue()).isEqualTo("-1");
      assertThat(e.getRule()).isEqualTo("must be 0 or greater");
    }

    @Test
    void setVersion_zeroAndPositive_areAccepted() {
      assertThat(valid().setVersion(0).build().getVersion()).isZero();
      assertThat(valid().setVersion(Long.MAX_VALUE).build().getVersion()).isEqualTo(Long.MAX_VALUE);
    }
  }

  @Nested
  class ValueSemantics {
    @Test
    void toBuilder_copiesEveryField() {
      NexusEndpoint e =
          valid()
              .addAllowedCallerNamespace("orders-ns")
              .setDescription("charges cards")
              .setVersion(7)
              .build();

      assertThat(e.toBuilder().build()).isEqualTo(e);
    }

    @Test
    void equals_comparesEveryFieldIncludingVersion() {
      NexusEndpoint a = valid().addAllowedCallerNamespace("o").setDescription("d").build();

      assertThat(a).isEqualTo(valid().addAllowedCallerNamespace("o").setDescription("d").build());
      assertThat(a).hasSameHashCodeAs(a.toBuilder().build());
      assertThat(a).isNotEqualTo(a.toBuilder().setVersion(1).build());
      assertThat(a).isNotEqualTo(a.toBuilder().setName("other").build());
      assertThat(a).isNotEqualTo(a.toBuilder().setTargetNamespace("other").build());
      assertThat(a).isNotEqualTo(a.toBuilder().setTargetTaskQueue("other").build());
      assertThat(a).isNotEqualTo(a.toBuilder().addAllowedCallerNamespace("x").build());
      assertThat(a).isNotEqualTo(a.toBuilder().setDescription("other").build());
      assertThat(a).isNotEqualTo(null).isNotEqualTo("payments");
    }

    @Test
    void sameSpec_ignoresOnlyTheVersion() {
      NexusEndpoint a = valid().setVersion(1).build();

      assertThat(a.sameSpec(a.toBuilder().setVersion(9).build())).isTrue();
      assertThat(a.sameSpec(a.toBuilder().setDescription("x").build())).isFalse();
    }

    @Test
    void toString_namesRoutingAndVersionButNotDescription() {
      NexusEndpoint e =
          valid().addAllowedCallerNamespace("orders-ns").setDescription("secret plan").build();

      assertThat(e.toString())
          .isEqualTo(
              "NexusEndpoint{name=payments, target=payments-ns/payments-nexus,"
                  + " allowedCallers=[orders-ns], version=0}");
    }
  }

  @Test
  void removingNullCaller_isANoOp() {
    NexusEndpoint e =
        valid().addAllowedCallerNamespace("a").removeAllowedCallerNamespace(null).build();
    assertThat(e.getAllowedCallerNamespaces()).containsExactly("a");
  }

  @Nested
  class PayloadProtections {
    @Test
    void getPayloadProtection_withNothingSet_isEmpty_theWorkersDefault() {
      NexusEndpoint e = valid().build();

      assertThat(e.getDefaultPayloadProtection()).isEmpty();
      assertThat(e.getServicePayloadProtections()).isEmpty();
      assertThat(e.getPayloadProtection("charges")).isEmpty();
      assertThat(e.getPayloadProtection(null)).isEmpty();
    }

    @Test
    void getPayloadProtection_prefersServiceOverride_elseEndpointWide() {
      NexusEndpoint e =
          valid()
              .setPayloadProtection(PayloadProtection.pairwise())
              .putServicePayloadProtection("refunds", PayloadProtection.shared("refunds-key"))
              .build();

      assertThat(e.getPayloadProtection("refunds"))
          .contains(PayloadProtection.shared("refunds-key"));
      assertThat(e.getPayloadProtection("charges")).contains(PayloadProtection.pairwise());
      assertThat(e.getPayloadProtection(null)).contains(PayloadProtection.pairwise());
      assertThat(e.getDefaultPayloadProtection()).contains(PayloadProtection.pairwise());
    }

    @Test
    void getPayloadProtection_withOnlyAnOverride_isEmptyForOtherServices() {
      NexusEndpoint e =
          valid().putServicePayloadProtection("refunds", PayloadProtection.hpke()).build();

      assertThat(e.getPayloadProtection("refunds")).contains(PayloadProtection.hpke());
      assertThat(e.getPayloadProtection("charges")).isEmpty();
    }

    @Test
    void getPayloadProtection_returnsTheSameInstanceEachTime_noAllocationOnTheHotPath() {
      NexusEndpoint e =
          valid()
              .setPayloadProtection(PayloadProtection.pairwise())
              .putServicePayloadProtection("refunds", PayloadProtection.hpke())
              .build();

      assertThat(e.getPayloadProtection("refunds")).isSameAs(e.getPayloadProtection("refunds"));
      assertThat(e.getPayloadProtection("charges")).isSameAs(e.getPayloadProtection("other"));
    }

    @Test
    void putServicePayloadProtection_withEmptyServiceName_isRejected() {
      EndpointValidationException e =
          rejected(() -> valid().putServicePayloadProtection("", PayloadProtection.pairwise()));

      assertThat(e.getField()).isEqualTo("servicePayloadProtections");
      assertThat(e.getRule())
          .contains("non-empty Nexus service name")
          .contains("setPayloadProtection");
    }

    @Test
    void putServicePayloadProtection_withNullServiceOrProtection_isRejected() {
      assertThat(
              rejected(() -> valid().putServicePayloadProtection(null, PayloadProtection.hpke()))
                  .getField())
          .isEqualTo("servicePayloadProtections");
      EndpointValidationException e =
          rejected(() -> valid().putServicePayloadProtection("refunds", null));
      assertThat(e.getValue()).isEqualTo("refunds");
      assertThat(e.getRule()).contains("removeServicePayloadProtection");
    }

    @Test
    void putServicePayloadProtection_withControlCharacterOrTooLong_isRejected() {
      assertThat(
              rejected(() -> valid().putServicePayloadProtection("a\nb", PayloadProtection.hpke()))
                  .getRule())
          .contains("control character at index 1");
      String tooLong = "s".repeat(NexusEndpoint.MAX_SERVICE_NAME_LENGTH + 1);
      assertThat(
              rejected(() -> valid().putServicePayloadProtection(tooLong, PayloadProtection.hpke()))
                  .getRule())
          .contains("at most " + NexusEndpoint.MAX_SERVICE_NAME_LENGTH);
    }

    @Test
    void setServicePayloadProtections_withOneBadEntry_changesNothing() {
      NexusEndpoint.Builder b =
          valid().putServicePayloadProtection("refunds", PayloadProtection.hpke());
      java.util.Map<String, PayloadProtection> bad = new java.util.HashMap<>();
      bad.put("charges", PayloadProtection.pairwise());
      bad.put("", PayloadProtection.pairwise());

      rejected(() -> b.setServicePayloadProtections(bad));

      assertThat(b.build().getServicePayloadProtections())
          .containsExactly(java.util.Map.entry("refunds", PayloadProtection.hpke()));
    }

    @Test
    void servicePayloadProtections_areSortedAndUnmodifiable() {
      NexusEndpoint e =
          valid()
              .putServicePayloadProtection("zeta", PayloadProtection.hpke())
              .putServicePayloadProtection("alpha", PayloadProtection.authenticated())
              .build();

      assertThat(e.getServicePayloadProtections().keySet()).containsExactly("alpha", "zeta");
      assertThatThrownBy(() -> e.getServicePayloadProtections().put("x", PayloadProtection.hpke()))
          .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void removeServicePayloadProtection_andClearingEndpointWide_restoreTheDefault() {
      NexusEndpoint e =
          valid()
              .setPayloadProtection(PayloadProtection.pairwise())
              .putServicePayloadProtection("refunds", PayloadProtection.hpke())
              .build()
              .toBuilder()
              .removeServicePayloadProtection("refunds")
              .removeServicePayloadProtection(null)
              .setPayloadProtection(null)
              .build();

      assertThat(e).isEqualTo(valid().build());
      assertThat(e.getPayloadProtection("refunds")).isEmpty();
    }

    @Test
    void equalsHashCodeAndSameSpec_includeTheProtection() {
      NexusEndpoint plain = valid().build();
      NexusEndpoint pairwise = valid().setPayloadProtection(PayloadProtection.pairwise()).build();
      NexusEndpoint shared = valid().setPayloadProtection(PayloadProtection.shared("k")).build();
      NexusEndpoint override =
          valid().putServicePayloadProtection("refunds", PayloadProtection.pairwise()).build();

      assertThat(pairwise).isNotEqualTo(plain).isNotEqualTo(shared).isNotEqualTo(override);
      assertThat(pairwise.sameSpec(plain)).isFalse();
      assertThat(override.sameSpec(plain)).isFalse();
      assertThat(pairwise)
          .isEqualTo(valid().setPayloadProtection(PayloadProtection.pairwise()).build())
          .hasSameHashCodeAs(valid().setPayloadProtection(PayloadProtection.pairwise()).build());
      assertThat(override.toBuilder().build()).isEqualTo(override);
    }

    @Test
    void toString_namesTheProtection() {
      NexusEndpoint e =
          valid()
              .setPayloadProtection(PayloadProtection.pairwise())
              .putServicePayloadProtection("refunds", PayloadProtection.shared("refunds-key"))
              .build();

      assertThat(e.toString())
          .contains("payloadProtection=pairwise")
          .contains("servicePayloadProtections={refunds=shared:refunds-key}");
      assertThat(valid().build().toString()).doesNotContain("payloadProtection");
    }
  }
}
