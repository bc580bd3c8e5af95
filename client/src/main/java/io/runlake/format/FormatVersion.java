package io.runlake.format;

/** The bucket format version this code reads and writes (see FORMAT.md, "Versioning"). */
public final class FormatVersion {
    /** Current version written into every JSON object and Parquet footer. */
    public static final int CURRENT = 1;

    private FormatVersion() {}

    /** Readers refuse objects from a newer major format rather than misread them. */
    public static void checkReadable(int version, String what) {
        if (version < 1 || version > CURRENT) {
            throw new UnsupportedFormatException(what + " has format_version " + version
                    + " but this RunLake reads versions 1.." + CURRENT + "; upgrade RunLake");
        }
    }

    public static final class UnsupportedFormatException extends RuntimeException {
        public UnsupportedFormatException(String message) {
            super(message);
        }
    }
}
