/** dev.nexussecurity.examples */
package dev.nexussecurity.examples;
