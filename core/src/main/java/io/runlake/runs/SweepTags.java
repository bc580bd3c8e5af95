package io.runlake.runs;

/**
 * The tags and params by which a sweep's runs say what they are (FORMAT.md §9.5): written by the client's {@code
 * Sweep}, read by the query library, the CLI and the web UI.
 */
public final class SweepTags {
    /** Tag on the parent and every trial: the sweep's name, which identifies it within the experiment. */
    public static final String NAME = "sweep.name";
    /** Tag: {@link #ROLE_PARENT} or {@link #ROLE_TRIAL}. */
    public static final String ROLE = "sweep.role";

    public static final String ROLE_PARENT = "parent";
    public static final String ROLE_TRIAL = "trial";
    /** Tag on a trial: the point's index in the sweep (0-based). */
    public static final String TRIAL = "sweep.trial";
    /** Tag on a trial: the attempt number of its claim, 0 for the first run of the point. */
    public static final String ATTEMPT = "sweep.attempt";
    /** Tag on a trial when it ends: {@code true} when early stopping ended it. */
    public static final String PRUNED = "sweep.pruned";
    /** Tag on a trial when it ends: the last value it reported. */
    public static final String VALUE = "sweep.value";
    /** Tag on a trial when it ends: the highest rung it reached (successive halving only). */
    public static final String RUNG = "sweep.rung";
    /** Tag prefix on a trial: {@code sweep.rung.<k>} is its value at rung k, set when it reaches the rung. */
    public static final String RUNG_VALUE_PREFIX = "sweep.rung.";
    /** Tag on a trial run again after a crash: the run ids of the earlier tries, comma-separated. */
    public static final String RERUN_OF = "sweep.rerun_of";
    /** Tag on a resumed sweep's parent: the parent run ids of the earlier attempts, comma-separated. */
    public static final String RESUMES = "sweep.resumes";

    public static final String BEST_RUN = "sweep.best_run";
    public static final String BEST_TRIAL = "sweep.best_trial";
    public static final String BEST_VALUE = "sweep.best_value";
    /** Param of the parent: the search space as JSON. */
    public static final String PARAM_SPACE = "sweep.space";
    /** Param of the parent: sampler, number of trials, seed, objective, direction and pruner as JSON. */
    public static final String PARAM_METHOD = "sweep.method";

    private SweepTags() {}
}
