package io.runlake.query;

import io.runlake.format.DuckSql;
import io.runlake.runs.SweepTags;
import java.util.List;

/** Reads a sweep from the runs view by its tags (FORMAT.md §9.5). */
final class SweepQueries {
    private SweepQueries() {}

    static SweepView sweep(Lake lake, String name, String experiment) {
        String where = tag(SweepTags.NAME) + " = " + DuckSql.lit(name)
                + (experiment == null ? "" : " and experiment = " + DuckSql.lit(experiment));
        Table attempts = lake.sql("select experiment, run_id, status, params['" + SweepTags.PARAM_METHOD
                + "'] as method, " + tag(SweepTags.BEST_TRIAL) + " as best_trial, " + tag(SweepTags.BEST_RUN)
                + " as best_run, " + tag(SweepTags.BEST_VALUE) + " as best_value, params['" + SweepTags.PARAM_SPACE
                + "'] as space from runs where " + where + " and " + tag(SweepTags.ROLE) + " = '"
                + SweepTags.ROLE_PARENT + "' order by start_time");
        if (attempts.size() == 0)
            throw new QueryException(
                    "no sweep '" + name + "'" + (experiment == null ? "" : " in experiment '" + experiment + "'"));
        List<Object> experiments =
                attempts.rows().stream().map(r -> r.get(0)).distinct().toList();
        if (experiments.size() > 1)
            throw new QueryException(
                    "sweep '" + name + "' is in experiments " + experiments + ": name one with --experiment");
        String exp = String.valueOf(experiments.get(0));
        Table trials = lake.sql("select try_cast(" + tag(SweepTags.TRIAL)
                + " as INTEGER) as trial, run_id, name, status,"
                + " coalesce(" + tag(SweepTags.PRUNED) + " = 'true', false) as pruned, try_cast("
                + tag(SweepTags.RUNG) + " as INTEGER) as rung, try_cast(" + tag(SweepTags.VALUE)
                + " as DOUBLE) as value, params from runs where " + where + " and experiment = " + DuckSql.lit(exp)
                + " and " + tag(SweepTags.ROLE) + " = '" + SweepTags.ROLE_TRIAL + "' order by trial, start_time");
        return new SweepView(name, exp, attempts, trials);
    }

    private static String tag(String name) {
        return "tags['" + name + "']";
    }
}
