package io.runlake.client.internal;

import io.runlake.client.TrackerException;
import io.runlake.format.Layout;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Stages an artifact file in the spill before it is recorded: copies it while hashing, so what is uploaded
 * is exactly what was hashed even if the caller rewrites the file next, and the copy is durable before the
 * run's event names it.
 */
final class ArtifactStager {
    /** A staged copy, ready to be pushed to {@link #blobKey()}. */
    record Staged(String sha256, long size, String blobKey, Path file) {}

    private final Spill spill;

    ArtifactStager(Spill spill) {
        this.spill = spill;
    }

    Staged stage(Path path) {
        Path staging = spill.stagingDir();
        Path tmp;
        String sha;
        long size;
        try {
            tmp = spill.newStagingFile(); // private (0600) in a private folder
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            // plain file streams: unlike channel-backed ones, an interrupt of the training thread does not abort them
            try (InputStream in = new DigestInputStream(new FileInputStream(path.toFile()), md);
                    OutputStream os = new FileOutputStream(tmp.toFile())) {
                size = in.transferTo(os);
            }
            sha = HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new TrackerException("cannot read artifact " + path + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        String blobKey = Layout.artifactBlob(sha);
        try {
            return new Staged(sha, size, blobKey, spill.adopt(blobKey, tmp));
        } catch (IOException e) {
            throw new TrackerException("cannot stage artifact " + path + " in " + staging + ": " + e.getMessage(), e);
        }
    }
}
