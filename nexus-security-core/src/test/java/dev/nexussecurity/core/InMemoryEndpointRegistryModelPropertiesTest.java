package dev.nexussecurity.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nexussecurity.api.AccessDecision;
import dev.nexussecurity.api.AccountRole;
import dev.nexussecurity.api.EndpointAlreadyExistsException;
import dev.nexussecurity.api.EndpointNotFoundException;
import dev.nexussecurity.api.EndpointValidationException;
import dev.nexussecurity.api.NamespacePermission;
import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.api.PermissionDeniedException;
import dev.nexussecurity.api.Principal;
import dev.nexussecurity.api.ReasonCode;
import dev.nexussecurity.api.VersionConflictException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Model-based property of {@link InMemoryEndpointRegistry}: over random sequences of create, update
 * and delete (by principals of different rights, with right and stale versions, with namespace
 * spellings that differ only in case) the registry's allowlist decisions, endpoints and versions
 * equal those of a plain {@code Map<endpoint, (target, Set<caller>, version)>} model, and every
 * refused operation changes nothing.
 */
class InMemoryEndpointRegistryModelPropertiesTest {
  private static final List<String> ENDPOINTS = List.of("orders", "payments", "refunds");
  private static final List<String> NAMESPACES =
      List.of("target-a", "target-b", "orders-ns", "Orders-NS", "billing-ns", "evil-ns");

  private static final Principal OWNER =
      Principal.newBuilder("owner").setAccountRole(AccountRole.ACCOUNT_OWNER).build();
  private static final Principal DEVELOPER_A =
      Principal.newBuilder("dev-a")
          .setAccountRole(AccountRole.DEVELOPER)
          .putNamespacePermission("target-a", NamespacePermission.ADMIN)
          .build();
  private static final Principal READER =
      Principal.newBuilder("reader").setAccountRole(AccountRole.READ_ONLY).build();
  private static final List<Principal> PRINCIPALS = List.of(OWNER, DEVELOPER_A, READER);

  enum Kind {
    CREATE,
    UPDATE,
    DELETE
  }

  /** One operation; {@code versionSkew} 0 uses the current version, others a stale one. */
  record Op(
      Kind kind,
      Principal principal,
      String endpoint,
      String target,
      Set<String> callers,
      int versionSkew) {
    @Override
    public String toString() {
      return kind
          + " "
          + endpoint
          + " by "
          + principal.getId()
          + " -> "
          + target
          + " "
          + callers
          + (versionSkew == 0 ? "" : " skew " + versionSkew);
    }
  }

  /** The model's view of an endpoint. */
  record Entry(String target, Set<String> callers, long version) {}

  enum Outcome {
    OK,
    DENIED,
    NOT_FOUND,
    EXISTS,
    CONFLICT,
    INVALID
  }

  @Property(tries = 300)
  void decisionsAndContents_equalTheMapModel_overRandomOperationSequences(
      @ForAll("operations") List<Op> ops) {
    InMemoryEndpointRegistry registry = InMemoryEndpointRegistry.newBuilder().build();
    Map<String, Entry> model = new HashMap<>();
    for (Op op : ops) {
      Map<String, Entry> before = new HashMap<>(model);
      Outcome expected = apply(model, op);
      Outcome actual = execute(registry, op, before);
      assertThat(actual).as("outcome of %s", op).isEqualTo(expected);
      assertSameState(registry, model);
    }
  }

  private static void assertSameState(InMemoryEndpointRegistry registry, Map<String, Entry> model) {
    assertThat(registry.listEndpoints()).hasSize(model.size());
    for (String name : ENDPOINTS) {
      Entry e = model.get(name);
      for (String caller : NAMESPACES) {
        AccessDecision d = registry.checkAccess(name, caller);
        boolean allowed = e != null && e.callers().contains(caller);
        assertThat(d.isAllowed()).as("%s calling %s", caller, name).isEqualTo(allowed);
        if (!allowed) {
          assertThat(d.getReason())
              .isEqualTo(e == null ? ReasonCode.UNKNOWN_ENDPOINT : ReasonCode.CALLER_NOT_ALLOWED);
        }
      }
      assertThat(registry.checkAccess(name, null).isAllowed()).isFalse();
      if (e == null) {
        assertThat(registry.findEndpoint(name)).isEmpty();
      } else {
        NexusEndpoint actual = registry.findEndpoint(name).orElseThrow();
        assertThat(actual.getTargetNamespace()).isEqualTo(e.target());
        assertThat(actual.getAllowedCallerNamespaces()).isEqualTo(e.callers());
        assertThat(actual.getVersion()).isEqualTo(e.version());
      }
    }
    assertThat(registry.checkAccess("unknown", "orders-ns").getReason())
        .isEqualTo(ReasonCode.UNKNOWN_ENDPOINT);
  }

  // ------------------------------------------------------------------ the model

  private static boolean mayManage(Principal p, String namespace) {
    return p == OWNER || (p == DEVELOPER_A && namespace.equals("target-a"));
  }

  private static boolean validEndpoint(Op op) {
    Set<String> lower = new java.util.HashSet<>();
    Set<String> all = new TreeSet<>(op.callers());
    all.add(op.target());
    for (String ns : all) {
      if (!lower.add(ns.toLowerCase(Locale.ROOT))) {
        return false;
      }
    }
    return true;
  }

  private static boolean consistentSpellings(Map<String, Entry> model, Op op) {
    Map<String, String> spelling = new HashMap<>();
    model.forEach(
        (name, e) -> {
          if (!name.equals(op.endpoint())) {
            spelling.putIfAbsent(e.target().toLowerCase(Locale.ROOT), e.target());
            e.callers().forEach(c -> spelling.putIfAbsent(c.toLowerCase(Locale.ROOT), c));
          }
        });
    Set<String> all = new TreeSet<>(op.callers());
    all.add(op.target());
    for (String ns : all) {
      String other = spelling.get(ns.toLowerCase(Locale.ROOT));
      if (other != null && !other.equals(ns)) {
        return false;
      }
    }
    return true;
  }

  private static Outcome apply(Map<String, Entry> model, Op op) {
    Entry current = model.get(op.endpoint());
    switch (op.kind()) {
      case CREATE -> {
        if (!validEndpoint(op)) {
          return Outcome.INVALID;
        }
        if (!mayManage(op.principal(), op.target())) {
          return Outcome.DENIED;
        }
        if (current != null) {
          return Outcome.EXISTS;
        }
        if (!consistentSpellings(model, op)) {
          return Outcome.INVALID;
        }
        model.put(op.endpoint(), new Entry(op.target(), op.callers(), 1));
        return Outcome.OK;
      }
      case UPDATE -> {
        if (!validEndpoint(op)) {
          return Outcome.INVALID;
        }
        if (!mayManage(op.principal(), op.target())) {
          return Outcome.DENIED;
        }
        if (current == null) {
          return Outcome.NOT_FOUND;
        }
        if (!current.target().equals(op.target()) && !mayManage(op.principal(), current.target())) {
          return Outcome.DENIED;
        }
        if (op.versionSkew() != 0) {
          return Outcome.CONFLICT;
        }
        if (!consistentSpellings(model, op)) {
          return Outcome.INVALID;
        }
        model.put(op.endpoint(), new Entry(op.target(), op.callers(), current.version() + 1));
        return Outcome.OK;
      }
      default -> {
        if (op.principal() == READER) {
          return Outcome.DENIED;
        }
        if (current == null) {
          return Outcome.NOT_FOUND;
        }
        if (!mayManage(op.principal(), current.target())) {
          return Outcome.DENIED;
        }
        if (op.versionSkew() != 0) {
          return Outcome.CONFLICT;
        }
        model.remove(op.endpoint());
        return Outcome.OK;
      }
    }
  }

  // ------------------------------------------------------------------ the implementation

  private static Outcome execute(
      InMemoryEndpointRegistry registry, Op op, Map<String, Entry> before) {
    Entry current = before.get(op.endpoint());
    long version = (current == null ? 1 : current.version()) + op.versionSkew();
    try {
      switch (op.kind()) {
        case CREATE -> registry.create(op.principal(), endpoint(op));
        case UPDATE -> registry.update(op.principal(), endpoint(op), version);
        default -> registry.delete(op.principal(), op.endpoint(), version);
      }
      return Outcome.OK;
    } catch (PermissionDeniedException e) {
      return Outcome.DENIED;
    } catch (EndpointNotFoundException e) {
      return Outcome.NOT_FOUND;
    } catch (EndpointAlreadyExistsException e) {
      return Outcome.EXISTS;
    } catch (VersionConflictException e) {
      return Outcome.CONFLICT;
    } catch (EndpointValidationException e) {
      return Outcome.INVALID;
    }
  }

  private static NexusEndpoint endpoint(Op op) {
    return NexusEndpoint.newBuilder()
        .setName(op.endpoint())
        .setTargetNamespace(op.target())
        .setTargetTaskQueue("tq")
        .setAllowedCallerNamespaces(op.callers())
        .build();
  }

  @Provide
  Arbitrary<List<Op>> operations() {
    Arbitrary<Op> op =
        Combinators.combine(
                Arbitraries.of(Kind.class),
                Arbitraries.of(PRINCIPALS),
                Arbitraries.of(ENDPOINTS),
                Arbitraries.of("target-a", "target-a", "target-b", "Target-A"),
                Arbitraries.of(NAMESPACES).set().ofMaxSize(3),
                Arbitraries.frequency(
                    net.jqwik.api.Tuple.of(6, 0),
                    net.jqwik.api.Tuple.of(1, -1),
                    net.jqwik.api.Tuple.of(1, 1)))
            .as(Op::new);
    return op.list().ofMinSize(1).ofMaxSize(25);
  }
}
