package io.runlake.query;

/**
 * One sweep as its runs record it (FORMAT.md §9.5), the same for {@code runlake sweep show} and the web UI.
 *
 * @param name the sweep's name (its {@code sweep.name} tag)
 * @param experiment the experiment the sweep is in
 * @param attempts the parent runs, oldest first (a resumed sweep has one per attempt): experiment, run_id, status,
 *     method (the {@code sweep.method} JSON: sampler, objective, direction, pruner), best_trial, best_run,
 *     best_value, space (the {@code sweep.space} JSON)
 * @param trials the trial runs by trial index, then start: trial, run_id, name, status, pruned, rung, value, params
 */
public record SweepView(String name, String experiment, Table attempts, Table trials) {}
