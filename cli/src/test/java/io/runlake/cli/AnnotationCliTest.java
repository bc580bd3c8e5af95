package io.runlake.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runlake.client.Run;
import io.runlake.client.Tracker;
import io.runlake.client.TrackerOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code runlake note | tag | archive | restore | purge} and {@code --all} on a file: store written by the real client. */
class AnnotationCliTest {
    @TempDir
    Path dir;

    private String a, b;

    private Path store() throws Exception {
        Path lake = dir.resolve("lake");
        TrackerOptions options = TestTrackers.options(dir.resolve("spill"));
        try (Tracker t = Tracker.open(lake.toUri(), options)) {
            Run r = t.newRun("e").name("alpha").tag("stage", "draft").start();
            r.log("loss", 0.2, 0);
            r.finish();
            a = r.id();
            Run s = t.newRun("e").name("beta").start();
            s.log("loss", 0.1, 0);
            s.finish();
            b = s.id();
        }
        return lake;
    }

    private Result run(Path lake, String... args) {
        String[] all = new String[args.length + 1];
        all[0] = args[0];
        all[1] = "--uri=" + lake.toUri();
        System.arraycopy(args, 1, all, 2, args.length - 1);
        return Result.run(m -> m, all);
    }

    @Test
    void noteTagArchiveRestoreAndAll() throws Exception {
        Path lake = store();
        Path noteFile = dir.resolve("note.md");
        Files.writeString(noteFile, "# Alpha\nfrom a file");
        Result r = run(lake, "note", a.substring(0, 10), "first note");
        assertEquals(0, r.code(), r.toString());
        assertEquals(0, run(lake, "note", a, "--file", noteFile.toString()).code());
        r = run(lake, "tag", a, "stage=production", "owner=ada", "--delete", "nothing");
        assertEquals(0, r.code(), r.toString());
        r = run(lake, "show", a);
        assertTrue(r.out().contains("# Alpha"), r.toString());
        assertTrue(r.out().contains("production"), r.toString());
        assertTrue(r.out().contains("archived"), r.toString());

        r = run(lake, "archive", b, "--reason", "demo");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains(b + ": archived"), r.toString());
        r = run(lake, "runs", "-e", "e", "--format", "csv");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains(a) && !r.out().contains(b), r.toString());
        assertTrue(r.err().contains("1 archived run hidden; use --all"), r.toString());
        r = run(lake, "runs", "-e", "e", "--all", "--format", "csv");
        assertTrue(r.out().contains(a) && r.out().contains(b), r.toString());
        r = run(lake, "leaderboard", "-e", "e", "-m", "loss", "--format", "csv");
        assertTrue(r.out().contains(a) && !r.out().contains(b), r.toString());
        r = run(lake, "leaderboard", "-e", "e", "-m", "loss", "--all", "--format", "csv");
        assertTrue(r.out().contains(b), r.toString());

        assertEquals(0, run(lake, "restore", b).code());
        r = run(lake, "runs", "-e", "e", "--format", "csv");
        assertTrue(r.out().contains(b), r.toString());
        assertTrue(r.err().isEmpty(), r.toString());
    }

    @Test
    void badInputFailsCleanly() throws Exception {
        Path lake = store();
        Result r = run(lake, "tag", a, "no-equals");
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().contains("not NAME=VALUE"), r.toString());
        r = run(lake, "archive", "zzzzzzzz");
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().contains("unknown run"), r.toString());
        r = run(lake, "note", a);
        assertEquals(2, r.code(), "TEXT or --file is required: " + r);
    }

    /** "points of the run,points of the others", read by DuckDB through the query module's lake. */
    private String points(Path lake, String runId) {
        Result r = run(
                lake,
                "sql",
                "select count(*) filter (where run_id = '" + runId + "') || ',' || count(*) filter (where run_id <> '"
                        + runId + "') as n from metrics",
                "--format",
                "csv");
        assertEquals(0, r.code(), r.toString());
        return r.out().strip().lines().reduce((x, y) -> y).orElseThrow();
    }

    @Test
    void purgeRefusesWithoutYesThenPurgesOnceThenSaysSo() throws Exception {
        Path lake = store();
        assertEquals(0, run(lake, "compact").code());
        assertEquals("\"1,1\"", points(lake, a));

        Result r = run(lake, "purge", a.substring(0, 10), "--reason", "wrong project");
        assertNotEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("delete run-ids/" + a + ".json"), r.toString());
        assertTrue(r.out().contains("rewrite without its points lake/metrics/"), r.toString());
        assertTrue(r.err().contains("nothing deleted: add --yes"), r.toString());
        assertEquals(0, run(lake, "show", a).code(), "nothing was deleted");

        r = run(lake, "purge", a.substring(0, 10), "--reason", "wrong project", "--yes");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("1 lake files rewritten"), r.toString());
        assertEquals("\"0,1\"", points(lake, a), "the run's points are gone, the other run's are all there");
        r = run(lake, "runs", "-e", "e", "--format", "csv");
        assertEquals(0, r.code(), r.toString());
        assertFalse(r.out().contains(a), r.toString());
        assertTrue(r.out().contains("beta"), r.toString());
        assertNotEquals(0, run(lake, "show", a).code());

        r = run(lake, "purge", a, "--reason", "again", "--yes");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("already purged"), r.toString());
    }
}
