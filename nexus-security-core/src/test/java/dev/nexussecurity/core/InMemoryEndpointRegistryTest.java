package dev.nexussecurity.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.nexussecurity.api.AccessDecision;
import dev.nexussecurity.api.AccountRole;
import dev.nexussecurity.api.AccountRoleRequiredException;
import dev.nexussecurity.api.EndpointAlreadyExistsException;
import dev.nexussecurity.api.EndpointNotFoundException;
import dev.nexussecurity.api.EndpointValidationException;
import dev.nexussecurity.api.NamespacePermission;
import dev.nexussecurity.api.NamespacePermissionRequiredException;
import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.api.PayloadProtection;
import dev.nexussecurity.api.Principal;
import dev.nexussecurity.api.ReasonCode;
import dev.nexussecurity.api.RegistryChangeEvent;
import dev.nexussecurity.api.RegistryOperation;
import dev.nexussecurity.api.SecurityAuditListener;
import dev.nexussecurity.api.VersionConflictException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;
import org.slf4j.LoggerFactory;

class InMemoryEndpointRegistryTest {
  private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final String TARGET = "target-ns";

  private static final NexusEndpoint ORDERS = endpoint("orders", TARGET, 1, "caller-ns");

  private static final Principal OWNER =
      Principal.newBuilder("owner").setAccountRole(AccountRole.ACCOUNT_OWNER).build();

  private final RecordingListener listener = new RecordingListener();

  private static NexusEndpoint endpoint(
      String name, String target, long version, String... callers) {
    return NexusEndpoint.newBuilder()
        .setName(name)
        .setTargetNamespace(target)
        .setTargetTaskQueue(name + "-queue")
        .setAllowedCallerNamespaces(List.of(callers))
        .setVersion(version)
        .build();
  }

  private static Principal developer(String id, String... adminOn) {
    Principal.Builder b = Principal.newBuilder(id).setAccountRole(AccountRole.DEVELOPER);
    for (String ns : adminOn) {
      b.putNamespacePermission(ns, NamespacePermission.ADMIN);
    }
    return b.build();
  }

  private static Principal withRole(AccountRole role) {
    return Principal.newBuilder(role.name().toLowerCase()).setAccountRole(role).build();
  }

  private InMemoryEndpointRegistry registryWith(NexusEndpoint... endpoints) {
    InMemoryEndpointRegistry.Builder b =
        InMemoryEndpointRegistry.newBuilder().addAuditListener(listener).setClock(CLOCK);
    for (NexusEndpoint e : endpoints) {
      b.addEndpoint(e);
    }
    return b.build();
  }

  /** Collects change events in delivery order. */
  static final class RecordingListener implements SecurityAuditListener {
    final List<RegistryChangeEvent> events = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void onRegistryChange(RegistryChangeEvent event) {
      events.add(event);
    }
  }

  @Nested
  class AccessChecks {
    @Test
    void checkAccess_allowedCaller_isAllowed() {
      InMemoryEndpointRegistry registry = registryWith(ORDERS);

      assertThat(registry.checkAccess("orders", "caller-ns")).isSameAs(AccessDecision.allowed());
    }

    @Test
    void checkAccess_callerNotOnAllowlist_isDeniedCallerNotAllowed() {
      InMemoryEndpointRegistry registry = registryWith(ORDERS);

      AccessDecision d = registry.checkAccess("orders", "other-ns");

      assertThat(d.isAllowed()).isFalse();
      assertThat(d.getReason()).isEqualTo(ReasonCode.CALLER_NOT_ALLOWED);
    }

    @Test
    void checkAccess_unknownEndpoint_isDeniedUnknownEndpoint() {
      InMemoryEndpointRegistry registry = registryWith(ORDERS);

      assertThat(registry.checkAccess("payments", "caller-ns").getReason())
          .isEqualTo(ReasonCode.UNKNOWN_ENDPOINT);
    }

    @Test
    void checkAccess_emptyAllowlist_deniesEveryoneIncludingTheTargetNamespace() {
      InMemoryEndpointRegistry registry = registryWith(endpoint("closed", TARGET, 1));

      assertThat(registry.checkAccess("closed", TARGET).getReason())
          .isEqualTo(ReasonCode.CALLER_NOT_ALLOWED);
      assertThat(registry.checkAccess("closed", "caller-ns").getReason())
          .isEqualTo(ReasonCode.CALLER_NOT_ALLOWED);
    }

    @Test
    void checkAccess_nullArguments_areDeniedNotThrown() {
      InMemoryEndpointRegistry registry = registryWith(ORDERS);

      assertThat(registry.checkAccess(null, "caller-ns").getReason())
          .isEqualTo(ReasonCode.UNKNOWN_ENDPOINT);
      assertThat(registry.checkAccess("orders", null).getReason())
          .isEqualTo(ReasonCode.CALLER_NOT_ALLOWED);
      assertThat(registry.checkAccess(null, null).isAllowed()).isFalse();
    }

    @Test
    void checkAccess_followsChanges() {
      InMemoryEndpointRegistry registry = registryWith(ORDERS);

      registry.update(
          OWNER, ORDERS.toBuilder().setAllowedCallerNamespaces(List.of("new-ns")).build(), 1);

      assertThat(registry.checkAccess("orders", "new-ns").isAllowed()).isTrue();
      assertThat(registry.checkAccess("orders", "caller-ns").isAllowed()).isFalse();

      registry.delete(OWNER, "orders", 2);

      assertThat(registry.checkAccess("orders", "new-ns").getReason())
          .isEqualTo(ReasonCode.UNKNOWN_ENDPOINT);
    }

    @Test
    void findEndpoint_returnsStoredEndpointOrEmpty() {
      InMemoryEndpointRegistry registry = registryWith(ORDERS);

      assertThat(registry.findEndpoint("orders")).contains(ORDERS);
      assertThat(registry.findEndpoint("absent")).isEmpty();
      assertThat(registry.findEndpoint(null)).isEmpty();
    }

    @Test
    void listEndpoints_isSortedUnmodifiableAndASnapshot() {
      InMemoryEndpointRegistry registry =
          registryWith(endpoint("zeta", TARGET, 1), endpoint("alpha", TARGET, 1), ORDERS);

      List<NexusEndpoint> listed = registry.listEndpoints();
      registry.create(OWNER, endpoint("beta", TARGET, 0));

      assertThat(listed)
          .extracting(NexusEndpoint::getName)
          .containsExactly("alpha", "orders", "zeta");
      assertThat(registry.listEndpoints())
          .extracting(NexusEndpoint::getName)
          .containsExactly("alpha", "beta", "orders", "zeta");
      assertThatThrownBy(() -> listed.add(ORDERS))
          .isInstanceOf(UnsupportedOperationException.class);
    }
  }

  @Nested
  class Changes {
    @Test
    void create_storesVersion1WhateverVersionWasGiven() {
      InMemoryEndpointRegistry registry = registryWith();

      NexusEndpoint created = registry.create(OWNER, endpoint("payments", TARGET, 42, "a-ns"));

      assertThat(created.getVersion()).isEqualTo(1);
      assertThat(created.sameSpec(endpoint("payments", TARGET, 0, "a-ns"))).isTrue();
      assertThat(registry.findEndpoint("payments")).contains(created);
    }

    @Test
    void create_existingName_isRejectedAndNothingChanges() {
      InMemoryEndpointRegistry registry = registryWith(ORDERS);

      assertThatThrownBy(() -> registry.create(OWNER, endpoint("orders", "other-ns", 0)))
          .isInstanceOf(EndpointAlreadyExistsException.class)
          .hasMessageContaining("'orders' already exists");

      assertThat(registry.listEndpoints()).containsExactly(ORDERS);
      assertThat(listener.events).isEmpty();
    }

    @Test
    void create_withANamespaceSpelledDifferentlyOnlyInCase_isRejectedAndNothingChanges() {
      InMemoryEndpointRegistry registry =
          registryWith(endpoint("payments", TARGET, 1, "orders-ns"));

      assertThatThrownBy(() -> registry.create(OWNER, endpoint("refunds", TARGET, 0, "Orders-NS")))
          .isInstanceOf(EndpointValidationException.class)
          .hasMessageContaining("field 'allowedCallerNamespaces' value 'Orders-NS'")
          .hasMessageContaining(
              "differs only in case from namespace 'orders-ns' of endpoint 'payments'");

      assertThat(registry.listEndpoints())
          .extracting(NexusEndpoint::getName)
          .containsExactly("payments");
      assertThat(listener.events).isEmpty();
    }

    @Test
    void update_withANamespaceSpelledDifferentlyOnlyInCase_isRejected_butItsOwnOldSpellingIsNot() {
      InMemoryEndpointRegistry registry =
          registryWith(endpoint("payments", TARGET, 1, "orders-ns"), ORDERS);
      NexusEndpoint payments = registry.findEndpoint("payments").orElseThrow();

      assertThatThrownBy(
              () ->
                  registry.update(
                      OWNER,
                      payments.toBuilder().setTargetNamespace(TARGET.toUpperCase()).build(),
                      1))
          .isInstanceOf(EndpointValidationException.class)
          .hasMessageContaining("field 'targetNamespace'");
      NexusEndpoint respelled =
          registry.update(
              OWNER,
              payments.toBuilder()
                  .setAllowedCallerNamespaces(java.util.List.of("ORDERS-ns"))
                  .build(),
              1);
      assertThat(respelled.getAllowedCallerNamespaces()).containsExactly("ORDERS-ns");
    }

    @Test
    void initialEndpointsSpellingANamespaceTwoWays_areRejected() {
      assertThatThrownBy(
              () ->
                  InMemoryEndpointRegistry.newBuilder()
                      .addEndpoint(endpoint("a-ep", "pay-ns", 1))
                      .addEndpoint(endpoint("b-ep", "other-ns", 1, "Pay-ns"))
                      .build())
          .isInstanceOf(EndpointValidationException.class)
          .hasMessageContaining("differs only in case from namespace 'pay-ns' of endpoint 'a-ep'");
    }

    @Test
    void update_incrementsVersionAndReplacesSpec() {
      InMemoryEndpointRegistry registry = registryWith(ORDERS);
      NexusEndpoint change =
          ORDERS.toBuilder().addAllowedCallerNamespace("billing-ns").setDescription("d").build();

      NexusEndpoint v2 = registry.update(OWNER, change, 1);
      NexusEndpoint v3 = registry.update(OWNER, v2.toBuilder().setDescription("e").build(), 2);

      assertThat(v2.getVersion()).isEqualTo(2);
      assertThat(v2.sameSpec(change)).isTrue();
      assertThat(v3.getVersion()).isEqualTo(3);
      assertThat(registry.findEndpoint("orders")).contains(v3);
    }

    @Test
    void update_ignoresTheVersionInsideTheEndpoint() {
      InMemoryEndpointRegistry registry = registryWith(ORDERS);

      NexusEndpoint v2 =
          registry.update(OWNER, ORDERS.toBuilder().setVersion(99).setDescription("x").build(), 1);

      assertThat(v2.getVersion()).isEqualTo(2);
    }

    @Test
    void update_withStaleVersion_isRejectedAndNothingChanges() {
      InMemoryEndpointRegistry registry = registryWith(ORDERS);
      NexusEndpoint v2 = registry.update(OWNER, ORDERS.toBuilder().setDescription("v2").build(), 1);
      listener.events.clear();

      VersionConflictException e =
          (VersionConflictException)
              catchThrowable(
                  () ->
                      registry.update(OWNER, ORDERS.toBuilder().setDescription("lost").build(), 1));

      assertThat(e).isInstanceOf(VersionConflictException.class);
      assertThat(e.getEndpointName()).isEqualTo("orders");
      assertThat(e.getExpectedVersion()).isEqualTo(1);
      assertThat(e.getActualVersion()).isEqualTo(2);
      assertThat(registry.findEndpoint("orders")).contains(v2);
      assertThat(listener.events).isEmpty();
    }

    @Test
    void update_withFutureVersion_isRejected() {
      InMemoryEndpointRegistry registry = registryWith(ORDERS);

      assertThatThrownBy(() -> registry.update(OWNER, ORDERS, 2))
          .isInstanceOf(VersionConflictException.class);
      assertThat(registry.findEndpoint("orders")).contains(ORDERS);
    }

    @Test
    void update_unknownName_isNotFound() {
      InMemoryEndpointRegistry registry = registryWith(ORDERS);

      assertThatThrownBy(() -> registry.update(OWNER, endpoint("renamed", TARGET, 1), 1))
          .isInstanceOf(EndpointNotFoundException.class)
          .hasMessage("Nexus endpoint 'renamed' is not in the registry");
      assertThat(registry.listEndpoints()).containsExactly(ORDERS);
    }

    @Test
    void delete_withCurrentVersion_removesTheEndpoint() {
      InMemoryEndpointRegistry registry = registryWith(ORDERS);

      registry.delete(OWNER, "orders", 1);

      assertThat(registry.listEndpoints()).isEmpty();
      assertThat(registry.findEndpoint("orders")).isEmpty();
    }

    @Test
    void delete_withStaleVersion_isRejectedAndNothingChanges() {
      InMemoryEndpointRegistry registry = registryWith(ORDERS);
      NexusEndpoint v2 = registry.update(OWNER, ORDERS.toBuilder().setDescription("v2").build(), 1);
      listener.events.clear();

      assertThatThrownBy(() -> registry.delete(OWNER, "orders", 1))
          .isInstanceOf(VersionConflictException.class)
          .hasMessageContaining("is at version 2, not the expected version 1");

      assertThat(registry.findEndpoint("orders")).contains(v2);
      assertThat(listener.events).isEmpty();
    }

    @Test
    void delete_unknownName_isNotFound() {
      InMemoryEndpointRegistry registry = registryWith(ORDERS);

      assertThatThrownBy(() -> registry.delete(OWNER, "absent", 1))
          .isInstanceOf(EndpointNotFoundException.class);
    }

    @Test
    void recreate_afterDelete_startsAgainAtVersion1() {
      InMemoryEndpointRegistry registry = registryWith(ORDERS);

      registry.delete(OWNER, "orders", 1);
      NexusEndpoint again = registry.create(OWNER, ORDERS);

      assertThat(again.getVersion()).isEqualTo(1);
    }

    @Test
    void get_returnsEndpointOrNotFound() {
      InMemoryEndpointRegistry registry = registryWith(ORDERS);
      Principal viewer = withRole(AccountRole.READ_ONLY);

      assertThat(registry.get(viewer, "orders")).isEqualTo(ORDERS);
      assertThatThrownBy(() -> registry.get(viewer, "absent"))
          .isInstanceOf(EndpointNotFoundException.class);
    }

    @Test
    void list_returnsAllEndpointsSorted() {
      InMemoryEndpointRegistry registry = registryWith(ORDERS, endpoint("alpha", TARGET, 1));

      assertThat(registry.list(withRole(AccountRole.FINANCE_ADMIN)))
          .extracting(NexusEndpoint::getName)
          .containsExactly("alpha", "orders");
    }

    @Test
    void nullArguments_areRejected() {
      InMemoryEndpointRegistry registry = registryWith(ORDERS);

      assertThatThrownBy(() -> registry.create(null, ORDERS)).hasMessage("principal");
      assertThatThrownBy(() -> registry.create(OWNER, null)).hasMessage("endpoint");
      assertThatThrownBy(() -> registry.update(OWNER, null, 1)).hasMessage("endpoint");
      assertThatThrownBy(() -> registry.delete(OWNER, null, 1)).hasMessage("name");
      assertThatThrownBy(() -> registry.get(OWNER, null)).hasMessage("name");
      assertThatThrownBy(() -> registry.list(null)).hasMessage("principal");
    }
  }

  /**
   * The documented order of checks: role, Admin on the requested target, existence, Admin on the
   * stored target, version. A refused principal learns nothing about the registry's contents.
   */
  @Nested
  class CheckOrder {
    @Test
    void get_byRoleNone_ofMissingEndpoint_isRefusedNotNotFound() {
      InMemoryEndpointRegistry registry = registryWith(ORDERS);

      assertThatThrownBy(() -> registry.get(withRole(AccountRole.NONE), "absent"))
          .isInstanceOf(AccountRoleRequiredException.class);
    }

    @Test
    void get_byRoleNone_ofExistingEndpoint_isRefusedTheSameWay() {
      InMemoryEndpointRegistry registry = registryWith(ORDERS);

      Throwable missing = catchThrowable(() -> registry.get(withRole(AccountRole.NONE), "absent"));
      Throwable present = catchThrowable(() -> registry.get(withRole(AccountRole.NONE), "orders"));

      assertThat(present).isInstanceOf(AccountRoleRequiredException.class);
      assertThat(present.getMessage().replace("orders", "absent")).isEqualTo(missing.getMessage());
    }

    @Test
    void create_byFinanceAdmin_ofExistingName_isRefusedNotAlreadyExists() {
      InMemoryEndpointRegistry registry = registryWith(ORDERS);

      assertThatThrownBy(() -> registry.create(withRole(AccountRole.FINANCE_ADMIN), ORDERS))
          .isInstanceOf(AccountRoleRequiredException.class);
    }

    @Test
    void create_byDeveloperWithoutAdmin_ofExistingName_isRefusedNotAlreadyExists() {
      InMemoryEndpointRegistry registry = registryWith(ORDERS);

      assertThatThrownBy(() -> registry.create(developer("dev", "other-ns"), ORDERS))
          .isInstanceOf(NamespacePermissionRequiredException.class);
    }

    @Test
    void update_byReadOnly_ofMissingEndpoint_isRefusedNotNotFound() {
      InMemoryEndpointRegistry registry = registryWith();

      assertThatThrownBy(() -> registry.update(withRole(AccountRole.READ_ONLY), ORDERS, 1))
          .isInstanceOf(AccountRoleRequiredException.class);
    }

    @Test
    void update_withoutAdminOnRequestedTarget_ofMissingEndpoint_isRefusedNotNotFound() {
      InMemoryEndpointRegistry registry = registryWith();

      assertThatThrownBy(() -> registry.update(developer("dev"), ORDERS, 1))
          .isInstanceOf(NamespacePermissionRequiredException.class);
    }

    @Test
    void update_movingWithoutAdminOnOldTarget_andStaleVersion_isRefusedNotConflict() {
      InMemoryEndpointRegistry registry = registryWith(ORDERS);
      NexusEndpoint moved = ORDERS.toBuilder().setTargetNamespace("new-ns").build();

      NamespacePermissionRequiredException e =
          (NamespacePermissionRequiredException)
              catchThrowable(() -> registry.update(developer("dev", "new-ns"), moved, 7));

      assertThat(e).isNotNull();
      assertThat(e.getNamespace()).isEqualTo(TARGET);
    }

    @Test
    void update_authorized_ofMissingEndpoint_isNotFoundBeforeVersion() {
      InMemoryEndpointRegistry registry = registryWith();

      assertThatThrownBy(() -> registry.update(developer("dev", TARGET), ORDERS, 7))
          .isInstanceOf(EndpointNotFoundException.class);
    }

    @Test
    void delete_byRoleNone_ofMissingEndpoint_isRefusedNotNotFound() {
      InMemoryEndpointRegistry registry = registryWith();

      assertThatThrownBy(() -> registry.delete(withRole(AccountRole.NONE), "absent", 1))
          .isInstanceOf(AccountRoleRequiredException.class);
    }

    @Test
    void delete_withoutAdminOnTarget_andStaleVersion_isRefusedNotConflict() {
      InMemoryEndpointRegistry registry = registryWith(ORDERS);

      assertThatThrownBy(() -> registry.delete(developer("dev", "other-ns"), "orders", 7))
          .isInstanceOf(NamespacePermissionRequiredException.class);
      assertThat(registry.listEndpoints()).containsExactly(ORDERS);
    }
  }

  /** Every account role x permission on the target x operation, against rbac-matrix.csv. */
  @Nested
  class RbacMatrix {
    private Principal principal(AccountRole role, String targetPermission, String target) {
      Principal.Builder b =
          Principal.newBuilder("p-" + role + "-" + targetPermission)
              .setAccountRole(role)
              // Admin elsewhere must not help.
              .putNamespacePermission("unrelated-ns", NamespacePermission.ADMIN);
      if (!"NONE".equals(targetPermission)) {
        b.putNamespacePermission(target, NamespacePermission.valueOf(targetPermission));
      }
      return b.build();
    }

    @ParameterizedTest(name = "{0} with {1} on target, {2}: {3}")
    @CsvFileSource(resources = "rbac-matrix.csv", delimiter = '|', numLinesToSkip = 1)
    void operation_matchesTheExpectedTable(
        AccountRole role, String targetPermission, RegistryOperation operation, String expected) {
      InMemoryEndpointRegistry registry = registryWith(ORDERS);
      Principal p = principal(role, targetPermission, TARGET);
      NexusEndpoint fresh = endpoint("fresh", TARGET, 0, "caller-ns");
      AtomicReference<Object> result = new AtomicReference<>();

      Throwable thrown =
          catchThrowable(
              () -> {
                switch (operation) {
                  case CREATE:
                    result.set(registry.create(p, fresh));
                    break;
                  case UPDATE:
                    result.set(
                        registry.update(
                            p, ORDERS.toBuilder().setDescription("changed").build(), 1));
                    break;
                  case DELETE:
                    registry.delete(p, "orders", 1);
                    break;
                  case GET:
                    result.set(registry.get(p, "orders"));
                    break;
                  case LIST:
                    result.set(registry.list(p));
                    break;
                  default:
                    throw new AssertionError(operation);
                }
              });

      switch (expected) {
        case "ALLOWED":
          assertThat(thrown).isNull();
          assertAllowedEffect(registry, operation, result.get(), p);
          break;
        case "ROLE_REQUIRED":
          assertThat(thrown).isInstanceOf(AccountRoleRequiredException.class);
          AccountRoleRequiredException roleError = (AccountRoleRequiredException) thrown;
          assertThat(roleError.getActualRole()).isEqualTo(role);
          assertThat(roleError.getOperation()).isEqualTo(operation);
          assertThat(roleError.getPrincipalId()).isEqualTo(p.getId());
          assertThat(roleError.getMessage()).contains(p.getId(), "(has " + role + ")");
          assertUnchanged(registry);
          break;
        case "NAMESPACE_ADMIN_REQUIRED":
          assertThat(thrown).isInstanceOf(NamespacePermissionRequiredException.class);
          NamespacePermissionRequiredException nsError =
              (NamespacePermissionRequiredException) thrown;
          assertThat(nsError.getNamespace()).isEqualTo(TARGET);
          assertThat(nsError.getRequired()).isEqualTo(NamespacePermission.ADMIN);
          assertThat(nsError.getOperation()).isEqualTo(operation);
          assertThat(nsError.getMessage())
              .contains("missing Namespace ADMIN permission on namespace '" + TARGET + "'");
          assertUnchanged(registry);
          break;
        default:
          throw new AssertionError("unknown expectation " + expected);
      }
    }

    @ParameterizedTest(name = "{0} with {1} on old and {2} on new target: {3} {4}")
    @CsvFileSource(resources = "rbac-move-matrix.csv", delimiter = '|', numLinesToSkip = 1)
    void updateMovingTheTarget_matchesTheExpectedTable(
        AccountRole role,
        String oldPermission,
        String newPermission,
        String expected,
        String missingOn) {
      NexusEndpoint onOld = endpoint("orders", "old-ns", 1, "caller-ns");
      InMemoryEndpointRegistry registry = registryWith(onOld);
      Principal.Builder b = Principal.newBuilder("mover").setAccountRole(role);
      if (!"NONE".equals(oldPermission)) {
        b.putNamespacePermission("old-ns", NamespacePermission.valueOf(oldPermission));
      }
      if (!"NONE".equals(newPermission)) {
        b.putNamespacePermission("new-ns", NamespacePermission.valueOf(newPermission));
      }
      NexusEndpoint moved = onOld.toBuilder().setTargetNamespace("new-ns").build();

      AtomicReference<NexusEndpoint> result = new AtomicReference<>();
      Throwable thrown = catchThrowable(() -> result.set(registry.update(b.build(), moved, 1)));

      switch (expected) {
        case "ALLOWED":
          assertThat(thrown).isNull();
          assertThat(result.get().getTargetNamespace()).isEqualTo("new-ns");
          assertThat(result.get().getVersion()).isEqualTo(2);
          assertThat(registry.findEndpoint("orders")).contains(result.get());
          break;
        case "ROLE_REQUIRED":
          assertThat(thrown).isInstanceOf(AccountRoleRequiredException.class);
          assertThat(registry.listEndpoints()).containsExactly(onOld);
          break;
        case "NAMESPACE_ADMIN_REQUIRED":
          assertThat(thrown).isInstanceOf(NamespacePermissionRequiredException.class);
          assertThat(((NamespacePermissionRequiredException) thrown).getNamespace())
              .isEqualTo(missingOn);
          assertThat(registry.listEndpoints()).containsExactly(onOld);
          break;
        default:
          throw new AssertionError("unknown expectation " + expected);
      }
      if (!"ALLOWED".equals(expected)) {
        assertThat(listener.events).isEmpty();
      }
    }

    private void assertAllowedEffect(
        InMemoryEndpointRegistry registry,
        RegistryOperation operation,
        Object result,
        Principal p) {
      switch (operation) {
        case CREATE:
          assertThat(((NexusEndpoint) result).getVersion()).isEqualTo(1);
          assertThat(registry.listEndpoints())
              .extracting(NexusEndpoint::getName)
              .containsExactly("fresh", "orders");
          break;
        case UPDATE:
          assertThat(((NexusEndpoint) result).getVersion()).isEqualTo(2);
          assertThat(registry.findEndpoint("orders").orElseThrow().getDescription())
              .isEqualTo("changed");
          break;
        case DELETE:
          assertThat(registry.listEndpoints()).isEmpty();
          break;
        case GET:
          assertThat(result).isEqualTo(ORDERS);
          break;
        case LIST:
          assertThat(result).isEqualTo(List.of(ORDERS));
          break;
        default:
          throw new AssertionError(operation);
      }
      if (operation.isWrite()) {
        assertThat(listener.events).hasSize(1);
        RegistryChangeEvent event = listener.events.get(0);
        assertThat(event.getOperation()).isEqualTo(operation);
        assertThat(event.getPrincipalId()).isEqualTo(p.getId());
      } else {
        assertThat(listener.events).isEmpty();
      }
    }

    private void assertUnchanged(InMemoryEndpointRegistry registry) {
      assertThat(registry.listEndpoints()).containsExactly(ORDERS);
      assertThat(listener.events).isEmpty();
    }
  }

  @Nested
  class Audit {
    private final ListAppender<ILoggingEvent> auditLog = new ListAppender<>();
    private final Logger auditLogger =
        (Logger) LoggerFactory.getLogger(InMemoryEndpointRegistry.AUDIT_LOGGER_NAME);
    private final ListAppender<ILoggingEvent> registryLog = new ListAppender<>();
    private final Logger registryLogger =
        (Logger) LoggerFactory.getLogger(InMemoryEndpointRegistry.class);

    @BeforeEach
    void attach() {
      auditLog.start();
      auditLogger.addAppender(auditLog);
      registryLog.start();
      registryLogger.addAppender(registryLog);
    }

    @AfterEach
    void detach() {
      auditLogger.detachAppender(auditLog);
      registryLogger.detachAppender(registryLog);
    }

    @Test
    void everyChange_emitsAnEventWithWhoWhatAndVersions() {
      InMemoryEndpointRegistry registry = registryWith();
      Principal dev = developer("alice", TARGET);

      NexusEndpoint v1 = registry.create(dev, endpoint("payments", TARGET, 0, "a-ns"));
      NexusEndpoint v2 = registry.update(dev, v1.toBuilder().setDescription("x").build(), 1);
      registry.delete(dev, "payments", 2);

      assertThat(listener.events).hasSize(3);
      RegistryChangeEvent create = listener.events.get(0);
      RegistryChangeEvent update = listener.events.get(1);
      RegistryChangeEvent delete = listener.events.get(2);
      assertThat(create.getOperation()).isEqualTo(RegistryOperation.CREATE);
      assertThat(create.getPrincipalId()).isEqualTo("alice");
      assertThat(create.getEndpointName()).isEqualTo("payments");
      assertThat(create.getTime()).isEqualTo(NOW);
      assertThat(create.getBefore()).isEmpty();
      assertThat(create.getAfter()).contains(v1);
      assertThat(update.getBefore()).contains(v1);
      assertThat(update.getAfter()).contains(v2);
      assertThat(update.getVersionBefore()).isEqualTo(1);
      assertThat(update.getVersionAfter()).isEqualTo(2);
      assertThat(delete.getOperation()).isEqualTo(RegistryOperation.DELETE);
      assertThat(delete.getBefore()).contains(v2);
      assertThat(delete.getAfter()).isEmpty();
    }

    @Test
    void everyChange_writesOneAuditLogLine() {
      InMemoryEndpointRegistry registry = registryWith();

      registry.create(OWNER, endpoint("payments", TARGET, 0, "a-ns"));
      registry.delete(OWNER, "payments", 1);

      assertThat(auditLog.list).hasSize(2);
      assertThat(auditLog.list).allSatisfy(e -> assertThat(e.getLevel()).isEqualTo(Level.INFO));
      assertThat(auditLog.list.get(0).getFormattedMessage())
          .startsWith(
              "CREATE of endpoint 'payments' by 'owner': version 0 -> 1; before=null after=")
          .contains("allowedCallers=[a-ns]");
      assertThat(auditLog.list.get(1).getFormattedMessage())
          .startsWith("DELETE of endpoint 'payments' by 'owner': version 1 -> 0;");
    }

    @Test
    void refusals_areLoggedAtWarnAndEmitNoEvent() {
      InMemoryEndpointRegistry registry = registryWith(ORDERS);

      catchThrowable(() -> registry.delete(developer("mallory"), "orders", 1));
      catchThrowable(() -> registry.list(withRole(AccountRole.NONE)));

      assertThat(auditLog.list).hasSize(2);
      assertThat(auditLog.list).allSatisfy(e -> assertThat(e.getLevel()).isEqualTo(Level.WARN));
      assertThat(auditLog.list.get(0).getFormattedMessage())
          .isEqualTo(
              "Refused: Principal 'mallory' may not delete endpoint 'orders': missing Namespace"
                  + " ADMIN permission on namespace 'target-ns'");
      assertThat(listener.events).isEmpty();
    }

    @Test
    void failedChanges_emitNothing() {
      InMemoryEndpointRegistry registry = registryWith(ORDERS);

      catchThrowable(() -> registry.create(OWNER, ORDERS));
      catchThrowable(() -> registry.update(OWNER, ORDERS, 5));
      catchThrowable(() -> registry.delete(OWNER, "absent", 1));

      assertThat(listener.events).isEmpty();
      assertThat(auditLog.list).isEmpty();
    }

    @Test
    void throwingListener_isLoggedAndTheChangeAndOtherListenersProceed() {
      RecordingListener second = new RecordingListener();
      InMemoryEndpointRegistry registry =
          InMemoryEndpointRegistry.newBuilder()
              .addAuditListener(
                  new SecurityAuditListener() {
                    @Override
                    public void onRegistryChange(RegistryChangeEvent event) {
                      throw new IllegalStateException("listener bug");
                    }
                  })
              .addAuditListener(second)
              .build();

      NexusEndpoint created = registry.create(OWNER, ORDERS);

      assertThat(created.getVersion()).isEqualTo(1);
      assertThat(registry.findEndpoint("orders")).contains(created);
      assertThat(second.events).hasSize(1);
      assertThat(registryLog.list).hasSize(1);
      ILoggingEvent warning = registryLog.list.get(0);
      assertThat(warning.getLevel()).isEqualTo(Level.WARN);
      assertThat(warning.getFormattedMessage()).contains("the change stands");
      assertThat(warning.getThrowableProxy().getMessage()).isEqualTo("listener bug");
    }

    @Test
    void listener_seesTheChangeAlreadyApplied() {
      List<Boolean> visible = new ArrayList<>();
      InMemoryEndpointRegistry[] holder = new InMemoryEndpointRegistry[1];
      holder[0] =
          InMemoryEndpointRegistry.newBuilder()
              .addAuditListener(
                  new SecurityAuditListener() {
                    @Override
                    public void onRegistryChange(RegistryChangeEvent event) {
                      visible.add(holder[0].checkAccess("orders", "caller-ns").isAllowed());
                    }
                  })
              .build();

      holder[0].create(OWNER, ORDERS);

      assertThat(visible).containsExactly(true);
    }

    @Test
    void listener_changingTheRegistry_isStoppedAndOnlyTheOuterChangeApplies() {
      List<Throwable> nestedErrors = new ArrayList<>();
      InMemoryEndpointRegistry[] holder = new InMemoryEndpointRegistry[1];
      holder[0] =
          InMemoryEndpointRegistry.newBuilder()
              .addAuditListener(
                  new SecurityAuditListener() {
                    @Override
                    public void onRegistryChange(RegistryChangeEvent event) {
                      nestedErrors.add(
                          catchThrowable(
                              () -> holder[0].create(OWNER, endpoint("nested", TARGET, 0))));
                    }
                  })
              .build();

      holder[0].create(OWNER, ORDERS);

      assertThat(nestedErrors).singleElement().isInstanceOf(IllegalStateException.class);
      assertThat(nestedErrors.get(0))
          .hasMessageContaining("listeners must not change the registry");
      assertThat(holder[0].listEndpoints())
          .extracting(NexusEndpoint::getName)
          .containsExactly("orders");
    }
  }

  /**
   * 8 threads x 1,000 operations (mostly updates, some deletes and creates) on 4 endpoints. Each
   * operation is made by its own principal, so the audit events (delivered in the order changes
   * were applied) identify the successful operations. Replaying exactly those operations, in that
   * order, on a plain map must succeed step by step and end in the registry's final state: nothing
   * lost, nothing applied twice, no stale version accepted.
   */
  @Nested
  class Concurrency {
    private static final int THREADS = 8;
    private static final int OPERATIONS_PER_THREAD = 1_000;
    private final List<String> names = List.of("ep-a", "ep-b", "ep-c", "ep-d");

    private final class Op {
      final String id;
      final RegistryOperation operation;
      final NexusEndpoint spec;
      final String name;
      final long expectedVersion;
      NexusEndpoint returned;

      Op(String id, RegistryOperation operation, NexusEndpoint spec, String name, long expected) {
        this.id = id;
        this.operation = operation;
        this.spec = spec;
        this.name = name;
        this.expectedVersion = expected;
      }
    }

    @Test
    void concurrentChanges_loseNothing_finalStateEqualsSerialReplay() throws Exception {
      InMemoryEndpointRegistry.Builder builder =
          InMemoryEndpointRegistry.newBuilder().addAuditListener(listener).setClock(CLOCK);
      for (String name : names) {
        builder.addEndpoint(endpoint(name, TARGET, 1, "caller-ns"));
      }
      InMemoryEndpointRegistry registry = builder.build();
      Map<String, NexusEndpoint> initial = new TreeMap<>();
      registry.listEndpoints().forEach(e -> initial.put(e.getName(), e));

      Map<String, Op> succeeded = Collections.synchronizedMap(new HashMap<>());
      List<Throwable> unexpected = Collections.synchronizedList(new ArrayList<>());
      CountDownLatch start = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  Random random = new Random(31L * thread + 7);
                  for (int i = 0; i < OPERATIONS_PER_THREAD; i++) {
                    Op op = nextOp(registry, random, "t" + thread + "-" + i, thread, i);
                    try {
                      apply(registry, op);
                      succeeded.put(op.id, op);
                    } catch (VersionConflictException
                        | EndpointNotFoundException
                        | EndpointAlreadyExistsException expected) {
                      // Lost races are expected; they must change nothing.
                    } catch (Throwable e) {
                      unexpected.add(e);
                    }
                  }
                  return null;
                }));
      }
      start.countDown();
      pool.shutdown();
      assertThat(pool.awaitTermination(5, TimeUnit.MINUTES)).as("workers finished").isTrue();
      for (Future<?> f : futures) {
        f.get();
      }

      assertThat(unexpected).isEmpty();
      List<RegistryChangeEvent> events = new ArrayList<>(listener.events);
      assertThat(events).hasSameSizeAs(succeeded.values());
      assertThat(succeeded).isNotEmpty();

      Map<String, NexusEndpoint> model = new TreeMap<>(initial);
      for (RegistryChangeEvent event : events) {
        Op op = succeeded.get(event.getPrincipalId());
        assertThat(op).as("event %s belongs to a successful operation", event).isNotNull();
        assertThat(event.getOperation()).isEqualTo(op.operation);
        NexusEndpoint current = model.get(op.name);
        switch (op.operation) {
          case CREATE:
            assertThat(current).as("create of %s over an existing endpoint", op.name).isNull();
            model.put(op.name, op.spec.toBuilder().setVersion(1).build());
            break;
          case UPDATE:
            assertThat(current).isNotNull();
            assertThat(current.getVersion())
                .as("update %s expected version", op.id)
                .isEqualTo(op.expectedVersion);
            model.put(op.name, op.spec.toBuilder().setVersion(current.getVersion() + 1).build());
            break;
          case DELETE:
            assertThat(current).isNotNull();
            assertThat(current.getVersion()).isEqualTo(op.expectedVersion);
            model.remove(op.name);
            break;
          default:
            throw new AssertionError(op.operation);
        }
        assertThat(event.getAfter().orElse(null)).isEqualTo(model.get(op.name));
        if (op.returned != null) {
          assertThat(op.returned).isEqualTo(model.get(op.name));
        }
      }
      assertThat(registry.listEndpoints()).containsExactlyElementsOf(model.values());
    }

    private Op nextOp(
        InMemoryEndpointRegistry registry, Random random, String id, int thread, int i) {
      String name = names.get(random.nextInt(names.size()));
      NexusEndpoint current = registry.findEndpoint(name).orElse(null);
      long version = current == null ? 1 : current.getVersion();
      NexusEndpoint spec =
          NexusEndpoint.newBuilder()
              .setName(name)
              .setTargetNamespace(TARGET)
              .setTargetTaskQueue("queue-" + (i % 3))
              .setAllowedCallerNamespaces(List.of("caller-" + thread, "caller-x" + (i % 5)))
              .setDescription(id)
              .build();
      int roll = random.nextInt(10);
      if (roll == 0) {
        return new Op(id, RegistryOperation.DELETE, null, name, version);
      }
      if (roll == 1 || current == null) {
        return new Op(id, RegistryOperation.CREATE, spec, name, 0);
      }
      return new Op(id, RegistryOperation.UPDATE, spec, name, version);
    }

    private void apply(InMemoryEndpointRegistry registry, Op op) {
      Principal principal = developer(op.id, TARGET);
      switch (op.operation) {
        case CREATE:
          op.returned = registry.create(principal, op.spec);
          break;
        case UPDATE:
          op.returned = registry.update(principal, op.spec, op.expectedVersion);
          break;
        case DELETE:
          registry.delete(principal, op.name, op.expectedVersion);
          break;
        default:
          throw new AssertionError(op.operation);
      }
    }
  }

  @Nested
  class BuilderAndPersistence {
    @TempDir Path dir;

    @Test
    void build_keepsInitialVersionsAndStoresVersion0As1() {
      InMemoryEndpointRegistry registry =
          registryWith(endpoint("kept", TARGET, 7), endpoint("fresh", TARGET, 0));

      assertThat(registry.findEndpoint("kept").orElseThrow().getVersion()).isEqualTo(7);
      assertThat(registry.findEndpoint("fresh").orElseThrow().getVersion()).isEqualTo(1);
      assertThat(listener.events).isEmpty();
    }

    @Test
    void addEndpoint_duplicateName_isRejected() {
      InMemoryEndpointRegistry.Builder b =
          InMemoryEndpointRegistry.newBuilder().addEndpoint(ORDERS);

      assertThatThrownBy(() -> b.addEndpoint(endpoint("orders", "x-ns", 2)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("Duplicate Nexus endpoint name 'orders'");
    }

    @Test
    void addEndpoints_withDuplicate_addsNothing() {
      InMemoryEndpointRegistry.Builder b = InMemoryEndpointRegistry.newBuilder();

      assertThatThrownBy(
              () -> b.addEndpoints(List.of(endpoint("a1", TARGET, 1), endpoint("a1", TARGET, 2))))
          .isInstanceOf(IllegalArgumentException.class);

      assertThat(b.build().listEndpoints()).isEmpty();
    }

    @Test
    void builderNulls_areRejected() {
      InMemoryEndpointRegistry.Builder b = InMemoryEndpointRegistry.newBuilder();

      assertThatThrownBy(() -> b.addEndpoint(null)).isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> b.addAuditListener(null)).isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> b.setClock(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void saveTo_thenLoadFrom_restoresTheSameEndpoints() {
      InMemoryEndpointRegistry registry = registryWith(ORDERS);
      registry.create(OWNER, endpoint("payments", "payments-ns", 0, "orders-ns", "billing-ns"));
      registry.update(OWNER, ORDERS.toBuilder().setDescription("Orders \u2713").build(), 1);
      Path file = dir.resolve("registry.json");

      registry.saveTo(file);
      InMemoryEndpointRegistry loaded =
          InMemoryEndpointRegistry.newBuilder().loadFrom(file).build();

      assertThat(loaded.listEndpoints()).isEqualTo(registry.listEndpoints());
      assertThat(loaded.checkAccess("payments", "billing-ns").isAllowed()).isTrue();
    }

    @Test
    void saveTo_failingTarget_throwsAndLeavesRegistryAndTargetAsTheyWere() throws Exception {
      InMemoryEndpointRegistry registry = registryWith(ORDERS);
      Path target = dir.resolve("registry.json");
      Files.createDirectory(target);
      Files.writeString(target.resolve("keep.txt"), "keep");

      assertThatThrownBy(() -> registry.saveTo(target))
          .isInstanceOf(RegistryFileException.class)
          .hasMessageContaining("could not be saved");

      assertThat(registry.listEndpoints()).containsExactly(ORDERS);
      assertThat(Files.readString(target.resolve("keep.txt"))).isEqualTo("keep");
      assertThatThrownBy(() -> registry.saveTo(null)).hasMessage("file");
    }

    @Test
    void loadFrom_invalidFile_addsNothingToTheBuilder() throws Exception {
      Path file = dir.resolve("registry.json");
      Files.writeString(file, "{\"schemaVersion\": 1, \"endpoints\": [{\"name\": \"x_y\"}]}");
      InMemoryEndpointRegistry.Builder b =
          InMemoryEndpointRegistry.newBuilder().addEndpoint(ORDERS);

      assertThatThrownBy(() -> b.loadFrom(file)).isInstanceOf(RegistryFileException.class);

      assertThat(b.build().listEndpoints()).containsExactly(ORDERS);
    }

    @Test
    void toString_countsEndpoints() {
      assertThat(registryWith(ORDERS)).hasToString("InMemoryEndpointRegistry{endpoints=1}");
    }
  }

  /** Changing an endpoint's payload protection is an update: same rights, version, audit. */
  @Nested
  class PayloadProtections {
    private NexusEndpoint downgraded() {
      return ORDERS.toBuilder()
          .setPayloadProtection(PayloadProtection.authenticated())
          .putServicePayloadProtection("refunds", PayloadProtection.shared("leaked"))
          .build();
    }

    @Test
    void update_changingOnlyTheProtection_isAnUpdate_bumpsTheVersionAndIsAudited() {
      InMemoryEndpointRegistry registry = registryWith(ORDERS);
      listener.events.clear();

      NexusEndpoint v2 =
          registry.update(
              developer("dev", TARGET),
              ORDERS.toBuilder().setPayloadProtection(PayloadProtection.pairwise()).build(),
              1);

      assertThat(v2.getVersion()).isEqualTo(2);
      assertThat(registry.findEndpoint("orders").orElseThrow().getPayloadProtection("any"))
          .contains(PayloadProtection.pairwise());
      assertThat(listener.events).hasSize(1);
      RegistryChangeEvent event = listener.events.get(0);
      assertThat(event.getOperation()).isEqualTo(RegistryOperation.UPDATE);
      assertThat(event.getBefore().orElseThrow().getDefaultPayloadProtection()).isEmpty();
      assertThat(event.getAfter().orElseThrow().getDefaultPayloadProtection())
          .contains(PayloadProtection.pairwise());
    }

    @Test
    void update_changingTheProtection_byDeveloperWithoutAdminOnTarget_isRefusedAndNothingChanges() {
      InMemoryEndpointRegistry registry = registryWith(ORDERS);
      listener.events.clear();

      assertThatThrownBy(() -> registry.update(developer("dev", "other-ns"), downgraded(), 1))
          .isInstanceOf(NamespacePermissionRequiredException.class);

      assertThat(registry.findEndpoint("orders")).contains(ORDERS);
      assertThat(listener.events).isEmpty();
    }

    @Test
    void update_changingTheProtection_byReadOnly_isRefusedAndNothingChanges() {
      InMemoryEndpointRegistry registry = registryWith(ORDERS);

      assertThatThrownBy(() -> registry.update(withRole(AccountRole.READ_ONLY), downgraded(), 1))
          .isInstanceOf(AccountRoleRequiredException.class);

      assertThat(registry.findEndpoint("orders")).contains(ORDERS);
    }

    @Test
    void update_changingTheProtection_withStaleVersion_isAConflict() {
      InMemoryEndpointRegistry registry = registryWith(ORDERS);
      NexusEndpoint v2 = registry.update(OWNER, ORDERS.toBuilder().setDescription("v2").build(), 1);

      assertThatThrownBy(() -> registry.update(OWNER, downgraded(), 1))
          .isInstanceOf(VersionConflictException.class);

      assertThat(registry.findEndpoint("orders")).contains(v2);
    }

    @Test
    void create_withProtection_byDeveloperWithAdmin_keepsIt_andSaveThenLoadRoundTrips(
        @TempDir Path dir) {
      InMemoryEndpointRegistry registry = registryWith();
      NexusEndpoint created = registry.create(developer("dev", TARGET), downgraded());

      Path file = dir.resolve("registry.json");
      registry.saveTo(file);
      InMemoryEndpointRegistry loaded =
          InMemoryEndpointRegistry.newBuilder().loadFrom(file).build();

      assertThat(created.getPayloadProtection("refunds"))
          .contains(PayloadProtection.shared("leaked"));
      assertThat(loaded.findEndpoint("orders")).contains(created);
    }
  }

  @Test
  void builderAddEndpoints_thatFails_keepsTheEndpointsAddedBefore() {
    InMemoryEndpointRegistry.Builder b = InMemoryEndpointRegistry.newBuilder().addEndpoint(ORDERS);
    NexusEndpoint other = endpoint("payments", TARGET, 1, "caller-ns");

    assertThatThrownBy(() -> b.addEndpoints(List.of(other, other)))
        .isInstanceOf(IllegalArgumentException.class);

    assertThat(b.build().listEndpoints()).containsExactly(ORDERS);
  }

  @Test
  void build_withATargetSpelledLikeAnotherEndpointsCallerInAnotherCase_isRefused() {
    InMemoryEndpointRegistry.Builder b =
        InMemoryEndpointRegistry.newBuilder()
            .addEndpoint(endpoint("a-endpoint", "target-ns", 1, "orders-ns"))
            .addEndpoint(endpoint("b-endpoint", "Orders-NS", 1));

    assertThatThrownBy(b::build)
        .isInstanceOf(EndpointValidationException.class)
        .hasMessageContaining("Orders-NS")
        .hasMessageContaining("orders-ns");
  }

  @Test
  void saveTo_fromTwoThreadsInTurn_bothComplete(@TempDir Path dir) throws Exception {
    InMemoryEndpointRegistry registry =
        InMemoryEndpointRegistry.newBuilder().addEndpoint(ORDERS).build();
    registry.saveTo(dir.resolve("first.json"));
    ExecutorService other = Executors.newSingleThreadExecutor();
    try {
      Future<?> second = other.submit(() -> registry.saveTo(dir.resolve("second.json")));
      second.get(30, TimeUnit.SECONDS);
    } finally {
      other.shutdownNow();
    }
    assertThat(RegistryFiles.load(dir.resolve("second.json"))).containsExactly(ORDERS);
  }
}
