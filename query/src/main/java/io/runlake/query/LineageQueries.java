package io.runlake.query;

import io.runlake.format.FormatVersion;
import io.runlake.format.Layout;
import io.runlake.format.RunIds;
import io.runlake.format.RunStart;
import io.runlake.format.SharedEnvironment;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Where something came from: the runs that produced an artifact (with code version, inputs, params, environment
 * and parent, read from the views and the runs' start manifests) and the runs that used a data set.
 */
final class LineageQueries {
    private final LakeSession session;
    private final RunQueries runs;

    LineageQueries(LakeSession session, RunQueries runs) {
        this.session = session;
        this.runs = runs;
    }

    /** See {@link Lake#lineage(String)}. */
    Lineage lineage(String target) {
        if (target == null || target.isBlank()) throw new QueryException("lineage needs a file, a SHA-256 or a run id");
        String sha;
        String described;
        Path file = Path.of(target);
        if (target.matches("[0-9a-fA-F]{64}")) {
            sha = target.toLowerCase(Locale.ROOT);
            described = "sha256 " + sha;
        } else if (Files.isRegularFile(file)) {
            sha = sha256(file);
            described = "file " + file.toAbsolutePath() + " (sha256 " + sha + ")";
        } else if (RunIds.isValid(target) || !target.contains("/")) {
            String id = null;
            QueryException notRun = null;
            try {
                id = runs.resolveRun(target);
            } catch (QueryException e) {
                notRun = e;
            }
            List<String> hashes = hashesStartingWith(target);
            if (id != null && !hashes.isEmpty()) {
                throw new QueryException("'" + target + "' is ambiguous: run " + id + " and sha256 " + hashes.get(0));
            }
            if (id != null) return new Lineage("run " + id, null, List.of(runLineage(id, List.of())), List.of());
            if (hashes.size() > 1) {
                throw new QueryException("sha256 prefix '" + target + "' is ambiguous: " + String.join(", ", hashes));
            }
            if (hashes.isEmpty()) {
                String why = notRun.getMessage().contains("ambiguous") ? ": " + notRun.getMessage() : "";
                throw new QueryException(
                        "'" + target + "' is not a run id, a SHA-256 (or a unique prefix) or an existing file" + why);
            }
            sha = hashes.get(0);
            described = "sha256 " + sha;
        } else {
            throw new QueryException("'" + target + "' is not a run id, a SHA-256 or an existing file");
        }
        List<Lineage.RunInfo> producers = producers(sha);
        List<Map<String, Object>> users = users(sha);
        if (producers.isEmpty() && users.isEmpty()) {
            throw new QueryException("no run produced or used " + described);
        }
        return new Lineage(described, sha, producers, users);
    }

    /**
     * The SHA-256s of the store's artifacts and inputs that start with {@code prefix} (hex, at least
     * {@link io.runlake.runs.RunIds#MIN_ACCEPTED} characters, as a run id prefix; FORMAT.md §13.5), at most 5.
     */
    private List<String> hashesStartingWith(String prefix) {
        if (!prefix.matches("[0-9a-fA-F]{" + io.runlake.runs.RunIds.MIN_ACCEPTED + ",63}")) return List.of();
        return RunQueries.firstColumn(session.query(
                "SELECT DISTINCT sha256 FROM (SELECT sha256 FROM artifacts UNION ALL SELECT sha256 FROM inputs) "
                        + "WHERE starts_with(sha256, ?) ORDER BY 1 LIMIT 5",
                prefix.toLowerCase(Locale.ROOT)));
    }

    /** The runs that logged an artifact with this checksum, each with those artifacts. */
    private List<Lineage.RunInfo> producers(String sha) {
        Map<String, List<Map<String, Object>>> byRun = new LinkedHashMap<>();
        for (List<Object> a : session.query(
                        "SELECT run_id, name, size, uri FROM artifacts WHERE sha256 = ? ORDER BY time", sha)
                .rows()) {
            Map<String, Object> art = new LinkedHashMap<>();
            art.put("name", a.get(1));
            art.put("size", a.get(2));
            art.put("uri", a.get(3));
            byRun.computeIfAbsent((String) a.get(0), k -> new ArrayList<>()).add(art);
        }
        List<Lineage.RunInfo> producers = new ArrayList<>();
        for (Map.Entry<String, List<Map<String, Object>>> e : byRun.entrySet()) {
            producers.add(runLineage(e.getKey(), e.getValue()));
        }
        return producers;
    }

    /** The runs that used an input with this checksum (or ETag). */
    private List<Map<String, Object>> users(String sha) {
        List<Map<String, Object>> users = new ArrayList<>();
        Table used = session.query(
                "SELECT i.experiment, i.run_id, r.name, r.status, i.name AS input, i.role, i.uri "
                        + "FROM inputs i LEFT JOIN runs r USING (run_id) WHERE i.sha256 = ? OR i.etag = ? ORDER BY i.time",
                sha,
                sha);
        for (List<Object> u : used.rows()) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (int i = 0; i < used.columns().size(); i++) m.put(used.columns().get(i), u.get(i));
            users.add(m);
        }
        return users;
    }

    private Lineage.RunInfo runLineage(String runId, List<Map<String, Object>> artifacts) {
        Table r = session.query(
                "SELECT experiment, name, status, start_time, parent_run_id, params FROM runs WHERE run_id = ?", runId);
        if (r.size() == 0) throw new QueryException("unknown run '" + runId + "'");
        List<Object> row = r.rows().get(0);
        String experiment = (String) row.get(0);
        RunStart start = readStart(experiment, runId);
        List<Map<String, Object>> inputs = new ArrayList<>();
        Table in = session.query(
                "SELECT name, uri, role, sha256, etag, version_id, size, files FROM inputs "
                        + "WHERE run_id = ? ORDER BY time",
                runId);
        for (List<Object> i : in.rows()) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (int c = 0; c < in.columns().size(); c++)
                if (i.get(c) != null) m.put(in.columns().get(c), i.get(c));
            inputs.add(m);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> params =
                row.get(5) instanceof Map<?, ?> m ? new LinkedHashMap<>((Map<String, Object>) m) : Map.of();
        if (start != null && start.params() != null) {
            Map<String, Object> typed = new LinkedHashMap<>(params);
            typed.putAll(start.params());
            params = typed;
        }
        return new Lineage.RunInfo(
                experiment,
                runId,
                (String) row.get(1),
                (String) row.get(2),
                Table.text(row.get(3)),
                artifacts,
                start == null || start.code() == null ? Map.of() : start.code(),
                inputs,
                params,
                start == null ? Map.of() : SharedEnvironment.resolve(start.environment(), this::readLocal),
                parent((String) row.get(4)));
    }

    /** The parent run's id, name and status (null: no parent). */
    private Map<String, Object> parent(String parentId) {
        if (parentId == null) return null;
        Map<String, Object> parent = new LinkedHashMap<>();
        parent.put("run_id", parentId);
        Table p = session.query("SELECT name, status FROM runs WHERE run_id = ?", parentId);
        if (p.size() > 0) {
            parent.put("name", p.rows().get(0).get(0));
            parent.put("status", p.rows().get(0).get(1));
        }
        return parent;
    }

    /** An object of the local copy of the store, if it is there. */
    private Optional<byte[]> readLocal(String key) {
        try {
            return Optional.of(Files.readAllBytes(session.root().resolve(key)));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private RunStart readStart(String experiment, String runId) {
        Path p = session.root().resolve(Layout.startManifest(experiment, runId));
        try {
            return FormatVersion.readJson(
                    Files.readAllBytes(p), RunStart.class, Layout.startManifest(experiment, runId));
        } catch (FormatVersion.UnsupportedFormatException e) {
            throw e; // never read a newer manifest as if it were this version's
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) md.update(buf, 0, n);
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new QueryException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
