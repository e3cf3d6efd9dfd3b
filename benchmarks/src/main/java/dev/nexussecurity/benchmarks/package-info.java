/** dev.nexussecurity.benchmarks */
package dev.nexussecurity.benchmarks;
