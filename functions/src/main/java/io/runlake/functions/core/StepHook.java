package io.runlake.functions.core;

/**
 * Called between the steps of a maintenance operation; tests throw from it to simulate a crash at that
 * point. Steps: {@code listed}, {@code downloaded}, {@code written}, {@code uploaded}, {@code committed},
 * {@code deleted}.
 */
@FunctionalInterface
public interface StepHook {
    StepHook NONE = step -> {};

    void reached(String step);
}
