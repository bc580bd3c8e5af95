package io.runlake.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.runlake.format.DuckSql;
import io.runlake.format.RunStatus;
import io.runlake.testing.Lakes;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The SQL form of each run rule gives the Java form's answer on the same inputs, so the query views (SQL) and the
 * runs index (Java) cannot drift apart.
 */
class RunRulesTest {
    private static final long TIMEOUT = 15 * 60_000L;

    @Test
    void statusInSqlIsTheJavaStatusForEveryCombination() {
        long now = System.currentTimeMillis();
        long[] activities = {now - 2 * TIMEOUT, now - 1000}; // stale, fresh (a whole timeout from the boundary)
        List<String> rows = new ArrayList<>();
        List<RunStatus> expected = new ArrayList<>();
        for (int bits = 0; bits < 8; bits++) {
            for (long activity : activities) {
                boolean failed = (bits & 1) != 0, killed = (bits & 2) != 0, ended = (bits & 4) != 0;
                rows.add("(" + failed + ", " + killed + ", " + ended + ", " + activity + "::BIGINT)");
                expected.add(RunRules.status(failed, killed, ended, activity, now, TIMEOUT));
            }
        }
        String sql = "SELECT " + RunRules.statusSql("f", "k", "e", "t", TIMEOUT) + " FROM (VALUES "
                + String.join(", ", rows) + ") v(f, k, e, t)";
        List<String> actual =
                Lakes.query(sql).stream().map(r -> (String) r.get(0)).toList();
        assertEquals(expected.stream().map(Enum::name).toList(), actual);
        assertEquals(List.of(RunStatus.CRASHED, RunStatus.RUNNING), expected.subList(0, 2), "no end: stale or live");
    }

    @Test
    void errorTextInSqlIsTheJavaText() {
        String[][] cases = {{"E", "boom"}, {"E", ""}, {"", "boom"}, {"", ""}, {null, "boom"}, {"E", null}, {null, null}
        };
        for (String[] c : cases) {
            String comma = c[0] != null && c[1] != null ? ", " : "";
            String json = "{" + field("type", c[0]) + comma + field("message", c[1]) + "}";
            Object sql = Lakes.query("SELECT " + RunRules.errorTextSql(DuckSql.lit(json) + "::JSON"))
                    .get(0)
                    .get(0);
            assertEquals(RunRules.errorText(c[0], c[1]), sql, json);
        }
        assertNull(RunRules.errorText("", null));
        assertEquals("E: boom", RunRules.errorText("E", "boom"));
    }

    @Test
    void endTimeOnlyOnceTheRunHasEnded() {
        for (RunStatus s : RunStatus.values()) {
            String ended = Boolean.toString(RunRules.hasEnded(s));
            Object sql = Lakes.scalar("SELECT " + RunRules.endTimeSql(ended, "42::BIGINT"));
            Long java = RunRules.endTimeMs(s, 42L);
            assertEquals(java, sql == null ? null : ((Number) sql).longValue(), s.name());
        }
    }

    @Test
    void codeVersionTakesTheFirstKeyPresent() {
        Object v = Lakes.query("SELECT " + RunRules.codeVersionSql("'{\"revision\": \"r\", \"commit\": \"c\"}'::JSON"))
                .get(0)
                .get(0);
        assertEquals("c", v);
    }

    private static String field(String name, String value) {
        return value == null ? "" : "\"" + name + "\": \"" + value + "\"";
    }
}
