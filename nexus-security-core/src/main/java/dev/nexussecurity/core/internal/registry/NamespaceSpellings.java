package dev.nexussecurity.core.internal.registry;

import dev.nexussecurity.api.EndpointValidationException;
import dev.nexussecurity.api.NexusEndpoint;
import java.util.Collection;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Refuses a namespace name spelled in a registry in two ways that differ only in case ({@code
 * Payments} in one endpoint, {@code payments} in another): Temporal compares namespace names
 * exactly, so one of the two would silently never match. {@link NexusEndpoint} already refuses such
 * pairs within one endpoint; this checks an endpoint against the rest of a registry. O(number of
 * namespace names in the registry).
 */
public final class NamespaceSpellings {
  private NamespaceSpellings() {}

  /**
   * Throws if a namespace name of {@code candidate} differs only in case from one used by an
   * endpoint of {@code registry} with another name.
   *
   * @throws EndpointValidationException naming both spellings and the other endpoint
   */
  public static void requireConsistent(
      Collection<NexusEndpoint> registry, NexusEndpoint candidate) {
    Map<String, String[]> spellings = new HashMap<>();
    for (NexusEndpoint e : registry) {
      if (e.getName().equals(candidate.getName())) {
        continue;
      }
      put(spellings, e.getTargetNamespace(), e.getName());
      for (String ns : e.getAllowedCallerNamespaces()) {
        put(spellings, ns, e.getName());
      }
    }
    check(spellings, candidate, "targetNamespace", candidate.getTargetNamespace());
    for (String ns : candidate.getAllowedCallerNamespaces()) {
      check(spellings, candidate, "allowedCallerNamespaces", ns);
    }
  }

  /**
   * Throws if two endpoints of {@code registry} spell one namespace name in ways that differ only
   * in case. One pass over the registry.
   *
   * @throws EndpointValidationException naming both spellings and both endpoints
   */
  public static void requireConsistent(Collection<NexusEndpoint> registry) {
    Map<String, String[]> spellings = new HashMap<>();
    for (NexusEndpoint e : registry) {
      check(spellings, e, "targetNamespace", e.getTargetNamespace());
      put(spellings, e.getTargetNamespace(), e.getName());
      for (String ns : e.getAllowedCallerNamespaces()) {
        check(spellings, e, "allowedCallerNamespaces", ns);
        put(spellings, ns, e.getName());
      }
    }
  }

  private static void put(Map<String, String[]> spellings, String ns, String endpoint) {
    spellings.putIfAbsent(ns.toLowerCase(Locale.ROOT), new String[] {ns, endpoint});
  }

  private static void check(
      Map<String, String[]> spellings, NexusEndpoint candidate, String field, String ns) {
    String[] other = spellings.get(ns.toLowerCase(Locale.ROOT));
    if (other != null && !other[0].equals(ns)) {
      throw new EndpointValidationException(
          candidate.getName(),
          field,
          ns,
          "differs only in case from namespace '"
              + other[0]
              + "' of endpoint '"
              + other[1]
              + "'; Temporal compares namespace names exactly, so these are two different"
              + " namespaces and one of them would never match: use the namespace's exact spelling");
    }
  }
}
