package io.runlake.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Sweep claim keys (FORMAT.md §9.5) round-trip, escaped names included, and nothing else parses as one. */
class SweepClaimKeyTest {
    @Test
    void aClaimKeyRoundTripsWithEscapedNames() {
        String key = Layout.sweepClaim("my exp/v2", "lr search", 12, 3);
        assertEquals(
                "sweeps/experiment=" + Names.escapeSegment("my exp/v2") + "/sweep=" + Names.escapeSegment("lr search")
                        + "/claims/t12-a3.json",
                key);
        assertTrue(key.startsWith(Layout.sweepClaimsPrefix("my exp/v2", "lr search")));
        assertEquals(
                new Layout.SweepClaimKey("my exp/v2", "lr search", 12, 3),
                Layout.parseSweepClaim(key).orElseThrow());
    }

    @Test
    void otherKeysAreNotClaims() {
        String prefix = Layout.sweepClaimsPrefix("e", "s");
        for (String other : new String[] {"t01-a0.json", "t1-a-1.json", "t1.json", "t1-a0.json.tmp", "x/t1-a0.json"})
            assertTrue(Layout.parseSweepClaim(prefix + other).isEmpty(), other);
        assertThrows(IllegalArgumentException.class, () -> Layout.sweepClaim("e", "s", -1, 0));
    }
}
