/**
 * The rules that turn a run's raw objects into what readers show (FORMAT.md §8, §9, §13.4): its status, times,
 * error, code version, params, tags and metric summaries. Every reader and maintenance job uses these, so the
 * indexer's runs index and the query views agree by construction.
 *
 * <p>API: {@link io.runlake.runs.RunRules} (each rule once, in Java and, where a reader computes it in SQL, the
 * SQL rendering of the same rule next to it), {@link io.runlake.runs.RunState} (the fold of one run's objects)
 * {@link io.runlake.runs.MetricSummaries} (the per-metric summary) and {@link io.runlake.runs.RunLineage} (the
 * artifacts and inputs columns of the runs index). {@link io.runlake.runs.AnnotationFold} folds a run's annotations (§8.4) and
 * {@link io.runlake.runs.Annotations} writes them, the only class here that touches a store.
 */
package io.runlake.runs;
