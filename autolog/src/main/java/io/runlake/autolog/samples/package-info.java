/**
 * A runnable example of DL4J auto-logging ({@code Dl4jAutologSample}); example code, not API.
 */
package io.runlake.autolog.samples;
