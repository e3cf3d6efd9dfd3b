package dev.nexussecurity.core.internal.server;

import dev.nexussecurity.api.internal.UntrustedText;
import java.util.regex.Pattern;

/**
 * The audience of signed registry documents: the name of the Temporal cluster (deployment) the
 * registry is for, configured on the reconciler and on every worker. A policy or manifest signed
 * for one cluster does not verify in another, even under the same registry key.
 */
public final class Audience {
  /** 1 to 100 letters, digits, '.', '_' and '-', starting with a letter or digit. */
  public static final Pattern PATTERN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

  private Audience() {}

  /**
   * Returns {@code audience} if it is a valid cluster name.
   *
   * @param field the setting, for the message (e.g. {@code "ServerEndpointRegistry.audience"})
   * @throws IllegalArgumentException naming the setting, the value and the rule
   */
  public static String requireValid(String field, String audience) {
    if (audience == null || !PATTERN.matcher(audience).matches()) {
      throw new IllegalArgumentException(
          field
              + " must name the Temporal cluster (1 to 100 letters, digits, '.', '_' and '-',"
              + " starting with a letter or digit; for example 'prod-eu'), got "
              + (audience == null ? "null" : "'" + UntrustedText.quote(audience) + "'"));
    }
    return audience;
  }
}
