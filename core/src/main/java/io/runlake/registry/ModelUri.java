package io.runlake.registry;

import io.runlake.format.Names;

/**
 * {@code models:/<model>/<version>} or {@code models:/<model>@<alias>} (FORMAT.md §16.5). A model name may hold
 * {@code /} and {@code @}, an alias neither, so the last {@code /} followed by digits only is a version and
 * otherwise the last {@code @} starts the alias.
 *
 * @param version the version number, or 0 when the URI names an alias
 * @param alias the alias, or null when the URI names a version
 */
public record ModelUri(String model, long version, String alias) {
    public static final String SCHEME = "models:/";

    public static ModelUri parse(String uri) {
        if (uri == null || !uri.startsWith(SCHEME)) {
            throw new IllegalArgumentException(
                    "'" + uri + "' is not a model URI: use models:/<model>/<version> or models:/<model>@<alias>");
        }
        String rest = uri.substring(SCHEME.length());
        int slash = rest.lastIndexOf('/');
        if (slash > 0 && rest.substring(slash + 1).matches("[0-9]{1,10}")) {
            long version = Long.parseLong(rest.substring(slash + 1));
            if (version < 1) throw new IllegalArgumentException("model URI '" + uri + "': versions start at 1");
            return new ModelUri(Names.requireModelName(rest.substring(0, slash)), version, null);
        }
        int at = rest.lastIndexOf('@');
        if (at > 0) {
            return new ModelUri(
                    Names.requireModelName(rest.substring(0, at)), 0, Names.requireAliasName(rest.substring(at + 1)));
        }
        throw new IllegalArgumentException("model URI '" + uri + "' names neither a version (models:/" + rest
                + "/<number>) nor an alias (models:/" + rest + "@<alias>)");
    }

    public static ModelUri ofVersion(String model, long version) {
        return new ModelUri(model, version, null);
    }

    public static ModelUri ofAlias(String model, String alias) {
        return new ModelUri(model, 0, alias);
    }

    @Override
    public String toString() {
        return SCHEME + model + (alias != null ? "@" + alias : "/" + version);
    }
}
