/**
 * The {@code runlake} command line. Its commands and options are the <b>API</b> (README.md);
 * {@link io.runlake.cli.Main} is the entry point. The Java classes are internal: each {@code *Command} is one
 * subcommand over the query engine or the maintenance cores. {@link io.runlake.cli.DaemonClient} and
 * {@link io.runlake.cli.QueryDaemon} are the launcher's other entry points: the query daemon that answers read-only
 * commands, whose socket protocol ({@link io.runlake.cli.DaemonProtocol}) is private to one build.
 */
package io.runlake.cli;
