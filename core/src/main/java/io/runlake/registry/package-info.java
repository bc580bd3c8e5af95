/**
 * The model registry in the bucket (FORMAT.md §16): registered models, versions numbered 1, 2, 3 ... without
 * coordination (put-if-absent on the next number), and aliases as append-only events whose latest wins.
 *
 * <p>API: {@link io.runlake.registry.ModelRegistry} (register, set or remove an alias with an optional
 * {@link io.runlake.registry.Promotion} condition, resolve a {@link io.runlake.registry.ModelUri}, read everything
 * as {@link io.runlake.registry.RegistryContents}). Works over any {@link io.runlake.store.ObjectStore}.
 */
package io.runlake.registry;
