/** dev.nexussecurity.codec.tink */
package dev.nexussecurity.codec.tink;
