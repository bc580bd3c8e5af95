/**
 * Runnable examples of the client API (README.md): a hyperparameter sweep of a small plain-Java MLP with data-
 * parallel workers ({@link io.runlake.samples.SweepDemo}) and online learning
 * ({@link io.runlake.samples.OnlineLearningSample}). Example code, not API: the training code here exists only
 * to give the samples something real to track, and the CLI's {@code runlake demo} runs it.
 */
package io.runlake.samples;
