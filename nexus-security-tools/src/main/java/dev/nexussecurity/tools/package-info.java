/**
 * Command-line key management for Tink payload codec keysets ({@link
 * dev.nexussecurity.codec.tink.tools.KeysetTool}) and a local, insecure fake KMS client for tests
 * and development ({@link dev.nexussecurity.codec.tink.tools.InsecureFakeKmsClient}).
 *
 * <pre>{@code
 * java -cp <classpath> dev.nexussecurity.codec.tink.tools.KeysetTool list --keyset keyset.json
 * }</pre>
 */
package dev.nexussecurity.tools;
