/**
 * Deeplearning4j auto-logging. <b>API</b>: {@link io.runlake.autolog.dl4j.RunLakeAutolog} (train a network inside a
 * run in one call) and {@link io.runlake.autolog.dl4j.RunLakeListener} (a training listener for your own loop).
 * {@link io.runlake.autolog.dl4j.Dl4jParams} is an internal helper that flattens a configuration into params.
 */
package io.runlake.autolog.dl4j;
