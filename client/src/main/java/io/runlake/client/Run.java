package io.runlake.client;

import io.runlake.format.RunEvent;
import io.runlake.format.RunStatus;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/**
 * One execution of a training job, or one worker's part of it. Logging never blocks on storage: points
 * are buffered and written as Parquet shards in the background. Closing a run that has not ended marks
 * it FINISHED; use {@link Tracker#run} or {@link #fail} to record failures.
 */
public interface Run extends AutoCloseable {
    String id();

    String experiment();

    /** This process's worker rank within the run (0 for single-process runs). */
    int worker();

    /** Logs a param; params are immutable, so logging a different value for a logged name throws. */
    Run logParam(String name, Object value);

    Run logParams(Map<String, ?> params);

    /** Sets a tag; tags are labels that may change, each change recorded as a new immutable event. */
    Run setTag(String name, String value);

    Run deleteTag(String name);

    /** Logs a metric point at the next step of that metric (0, 1, 2, ... per metric key). */
    void log(String key, double value);

    void log(String key, double value, long step);

    /** Logs several metrics at one step. */
    void log(Map<String, ? extends Number> values, long step);

    void log(Map<String, ? extends Number> values);

    /** Stores a file (or every file under a folder) content-addressed by SHA-256; identical content is stored once. */
    ArtifactRef logArtifact(Path path);

    ArtifactRef logArtifact(Path path, String name);

    /** Records a pointer to data too large to copy. */
    ArtifactRef logArtifactReference(String name, URI uri, String sha256, long size);

    /**
     * Records a data set the run reads: a local file or folder (identified by SHA-256 of its content,
     * computed here, streaming) or an {@code s3://} object or prefix (identified by ETag and size, not
     * downloaded). {@code role} is free text such as train, validation or test.
     */
    RunEvent.Input logInput(String name, String location, String role);

    default RunEvent.Input logInput(String name, String location) {
        return logInput(name, location, null);
    }

    /**
     * Configuration-as-code: stores a YAML or JSON config file as an artifact ({@code config/<file name>})
     * and logs its leaves as params ({@code optimizer.lr}).
     */
    Map<String, Object> logConfig(Path configFile);

    /** Writes buffered points now (normally done in the background). */
    void flush();

    void finish();

    void fail(Throwable error);

    /** Ends the run as KILLED (e.g. interrupted by the user or the scheduler). */
    void kill();

    /** Null while running. */
    RunStatus status();

    /** Points dropped because the buffer was full (0 unless storage and spill could not keep up). */
    long droppedPoints();

    @Override
    void close();
}
