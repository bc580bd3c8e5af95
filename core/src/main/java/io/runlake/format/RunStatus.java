package io.runlake.format;

/** Run states (FORMAT.md, "Run status"). RUNNING and CRASHED are derived by readers, never written. */
public enum RunStatus {
    RUNNING,
    FINISHED,
    FAILED,
    KILLED,
    CRASHED
}
