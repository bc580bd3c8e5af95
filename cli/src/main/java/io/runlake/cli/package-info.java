/**
 * The {@code runlake} command line. Its commands and options are the <b>API</b> (README.md);
 * {@link io.runlake.cli.Main} is the entry point. The Java classes are internal: each {@code *Command} is one
 * subcommand over the query engine or the maintenance cores.
 */
package io.runlake.cli;
