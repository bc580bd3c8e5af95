package io.runlake.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParamOrderTest {
    static final List<Map<String, Object>> SWEEP = List.of(
            Map.of("batch_size", 32, "epochs", 40, "lr", 0.1, "hidden_units", 16),
            Map.of("batch_size", 32, "epochs", 40, "lr", 0.3, "hidden_units", 16),
            Map.of("batch_size", 32, "epochs", 40, "lr", 0.3, "hidden_units", 32, "seed", 1),
            Map.of()); // a sweep's parent: no params, no say

    @Test
    void theParamsThatVaryComeFirstThenTheConstantOnesEachByName() {
        assertEquals(List.of("hidden_units", "lr", "seed", "batch_size", "epochs"), ParamOrder.of(SWEEP));
        assertEquals(Map.of("batch_size", 32, "epochs", 40), ParamOrder.constants(SWEEP));
        assertEquals(
                List.of("lr", "batch_size"),
                List.copyOf(ParamOrder.sorted(Map.of("batch_size", 1, "lr", 2), List.of("lr", "batch_size"))
                        .keySet()));
    }

    @Test
    void oneRunHasNoConstants() {
        assertEquals(Map.of(), ParamOrder.constants(List.of(Map.of("lr", 0.1))));
        assertEquals(List.of("lr"), ParamOrder.of(List.of(Map.of("lr", 0.1))));
    }
}
