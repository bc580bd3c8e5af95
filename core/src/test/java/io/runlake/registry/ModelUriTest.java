package io.runlake.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ModelUriTest {
    @Test
    void versionsAndAliasesParseOneWay() {
        assertEquals(ModelUri.ofVersion("fraud", 3), ModelUri.parse("models:/fraud/3"));
        assertEquals(ModelUri.ofAlias("fraud", "champion"), ModelUri.parse("models:/fraud@champion"));
        // model names may hold '/' and '@'; aliases hold neither
        assertEquals(ModelUri.ofVersion("team/fraud@eu", 12), ModelUri.parse("models:/team/fraud@eu/12"));
        assertEquals(ModelUri.ofAlias("team/fraud@eu", "prod"), ModelUri.parse("models:/team/fraud@eu@prod"));
        assertEquals(ModelUri.ofAlias("a/b", "c"), ModelUri.parse("models:/a/b@c"));
        assertEquals(
                "models:/team/fraud@eu@prod",
                ModelUri.ofAlias("team/fraud@eu", "prod").toString());
        assertThrows(IllegalArgumentException.class, () -> ModelUri.parse("models:/fraud"));
        assertThrows(IllegalArgumentException.class, () -> ModelUri.parse("models:/fraud/0"));
        assertThrows(IllegalArgumentException.class, () -> ModelUri.parse("runs:/fraud/1"));
        assertThrows(IllegalArgumentException.class, () -> ModelUri.parse("models:/@x"));
        assertThrows(IllegalArgumentException.class, () -> io.runlake.format.Names.requireAliasName("a@b"));
    }
}
