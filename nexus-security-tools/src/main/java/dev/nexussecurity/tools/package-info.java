/**
 * Key tooling: the {@code nexus-security-keys} command ({@link
 * dev.nexussecurity.tools.NexusSecurityKeys}) for payload keysets, namespace keys and the namespace
 * key directory, and a local, insecure fake KMS client for tests and development ({@link
 * dev.nexussecurity.tools.InsecureFakeKmsClient}). Run it as a plain jar:
 *
 * <pre>{@code
 * java -jar nexus-security-tools-<version>-all.jar keyset list --keyset keyset.json --kms-uri "$KEK_URI"
 * }</pre>
 */
package dev.nexussecurity.tools;
