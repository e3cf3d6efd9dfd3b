/** dev.nexussecurity.core */
package dev.nexussecurity.core;
