/** dev.nexussecurity.testing */
package dev.nexussecurity.testing;
