package io.runlake.store;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The two rules for every local folder RunLake writes (spill, query cache and mirror, compaction work folder,
 * file store):
 *
 * <ul>
 *   <li><b>Keys stay under their root.</b> An object key becomes a local path only through
 *       {@link #resolveKey}, which rejects keys that are empty, absolute, contain a backslash or NUL, have an
 *       empty, {@code .} or {@code ..} segment, or otherwise normalize to a path outside the root.
 *   <li><b>Local copies are private.</b> Folders are created {@code rwx------} and files {@code rw-------}
 *       where the file system is POSIX ({@link #createPrivateDirectories}, {@link #privateDirectory},
 *       {@link #makePrivate}); default scratch folders are per user ({@link #userTempRoot}).
 * </ul>
 */
public final class LocalPaths {
    public static final Set<PosixFilePermission> PRIVATE_DIR = PosixFilePermissions.fromString("rwx------");
    public static final Set<PosixFilePermission> PRIVATE_FILE = PosixFilePermissions.fromString("rw-------");

    private LocalPaths() {}

    /**
     * The local path of {@code key} under {@code root}.
     *
     * @throws UnsafeKeyException if the key would not name a file strictly inside {@code root}
     */
    public static Path resolveKey(Path root, String key) {
        Path base = root.toAbsolutePath().normalize();
        String reason = unsafeReason(key);
        if (reason != null) throw new UnsafeKeyException(key, reason, base);
        Path p;
        try {
            p = base.resolve(key).normalize();
        } catch (InvalidPathException e) {
            throw new UnsafeKeyException(key, "not a valid local path: " + e.getReason(), base);
        }
        if (!p.startsWith(base) || p.equals(base)) throw new UnsafeKeyException(key, "leaves the folder", base);
        return p;
    }

    /** Whether {@link #resolveKey} accepts {@code key} (under any root). */
    public static boolean isSafeKey(String key) {
        return unsafeReason(key) == null;
    }

    /**
     * Checks a listing prefix (a key prefix such as {@code runs/} or {@code lake/_log/experiment=x/}): empty,
     * or a key whose folder part passes {@link #resolveKey}. A trailing '/' is allowed.
     */
    public static void requireSafePrefix(Path root, String prefix) {
        if (prefix.isEmpty()) return;
        String trimmed = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        resolveKey(root, trimmed);
    }

    private static String unsafeReason(String key) {
        if (key == null) return "null";
        if (key.isEmpty()) return "empty";
        if (key.startsWith("/")) return "absolute";
        if (key.length() >= 2 && key.charAt(1) == ':' && Character.isLetter(key.charAt(0)))
            return "absolute (drive letter)";
        if (key.indexOf('\\') >= 0) return "contains a backslash";
        if (key.indexOf('\0') >= 0) return "contains a NUL character";
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty()) return "has an empty segment";
            if (segment.equals(".") || segment.equals("..")) return "has a '" + segment + "' segment";
        }
        return null;
    }

    /** A key for messages: quoted, with control characters escaped so a hostile key cannot forge log lines. */
    static String quote(String key) {
        if (key == null) return "null";
        StringBuilder b = new StringBuilder("'");
        for (int i = 0; i < key.length() && i < 1100; i++) {
            char c = key.charAt(i);
            if (c < 0x20 || c == 0x7f) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        if (key.length() > 1100) b.append("...");
        return b.append('\'').toString();
    }

    // ---- private folders and files ----------------------------------------------------------------

    /** Whether the file system of {@code p} has POSIX permissions. */
    public static boolean isPosix(Path p) {
        return p.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /**
     * Creates {@code dir} and its missing parents with mode 0700 (where POSIX). Folders that already exist are
     * left as they are: a configured folder may be shared ({@code /tmp}); see {@link #privateDirectory}.
     */
    public static Path createPrivateDirectories(Path dir) throws IOException {
        if (!isPosix(dir)) return Files.createDirectories(dir);
        return Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PRIVATE_DIR));
    }

    /**
     * {@link #createPrivateDirectories}, then makes {@code dir} itself 0700 if it existed with a wider mode.
     * Only for folders RunLake names itself (a store's spill or cache folder, the per-user temp folder); fails
     * rather than use such a folder when it cannot be made private, e.g. because another user created it.
     */
    public static Path privateDirectory(Path dir) throws IOException {
        createPrivateDirectories(dir);
        if (!isPosix(dir)) return dir;
        PosixFileAttributeView view = Files.getFileAttributeView(dir, PosixFileAttributeView.class);
        var attrs = view.readAttributes();
        if (!attrs.permissions().equals(PRIVATE_DIR)) {
            try {
                view.setPermissions(PRIVATE_DIR);
            } catch (FileSystemException e) {
                throw new AccessDeniedException(
                        dir.toString(),
                        null,
                        "cannot make the folder private (mode 0700); it belongs to "
                                + attrs.owner().getName() + " (" + e.getReason() + ")");
            }
        }
        return dir;
    }

    /** Mode 0600 for a file, 0700 for a folder; nothing where the file system is not POSIX. */
    public static void makePrivate(Path p) throws IOException {
        if (!isPosix(p)) return;
        Files.setPosixFilePermissions(p, Files.isDirectory(p) ? PRIVATE_DIR : PRIVATE_FILE);
    }

    /** The attribute that creates a file 0600 (for {@code Files.newByteChannel} and friends); none if not POSIX. */
    public static FileAttribute<?>[] privateFileAttributes(Path p) {
        return isPosix(p)
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PRIVATE_FILE)}
                : new FileAttribute<?>[0];
    }

    /**
     * A fresh name for a temporary file: 128 bits of the calling thread's own generator, in hex. Not UUIDs: their
     * SecureRandom serialises every thread of the process on one lock (the training thread's run start included).
     * Uniqueness is all a temporary name needs; files are created exclusively where a clash would matter.
     */
    public static String uniqueName() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return Long.toHexString(r.nextLong()) + Long.toHexString(r.nextLong());
    }

    /**
     * The default scratch folder of this user: {@code <java.io.tmpdir>/runlake-<user name>}, so users of one
     * machine never share each other's work folders. Open it with {@link #privateDirectory}, which refuses one
     * that another user created in its place.
     */
    public static Path userTempRoot() {
        return Path.of(System.getProperty("java.io.tmpdir"), "runlake-" + safeUserName());
    }

    /** {@code user.name} reduced to {@code [A-Za-z0-9._-]} (anything else becomes '_'); "unknown" if unset. */
    static String safeUserName() {
        String u = System.getProperty("user.name");
        if (u == null || u.isBlank()) return "unknown";
        String s = u.replaceAll("[^A-Za-z0-9._-]", "_");
        return s.equals(".") || s.equals("..") ? "_" : s;
    }
}
