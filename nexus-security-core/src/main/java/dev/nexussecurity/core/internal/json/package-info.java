/**
 * The one strict JSON layer ({@link dev.nexussecurity.core.internal.json.StrictJson}, {@link
 * dev.nexussecurity.core.internal.json.JsonValue}) and the one signed envelope ({@link
 * dev.nexussecurity.core.internal.json.SignedEnvelope}) used by every format nexus-security reads:
 * identity tokens, signed endpoint policies and manifests, registry and key directory files.
 */
package dev.nexussecurity.core.internal.json;
