/**
 * Benchmarks of the query module, run from {@code benchmarks/target/runlake-benchmarks.jar} as BENCHMARKS.md
 * describes. Not API and never shipped: they may use the module's internals to measure one stage alone.
 */
package io.runlake.query.bench;
