package io.runlake.autolog.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

class Dl4jParamsTest {
    @Test
    void perLayerSettingsAreHoistedOnlyWhenEveryTrainableLayerAgrees() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(5)
                .weightDecay(1e-3)
                .updater(new Nesterovs(new ExponentialSchedule(ScheduleType.EPOCH, 0.1, 0.9), 0.95))
                .list()
                .layer(new DenseLayer.Builder()
                        .nIn(4)
                        .nOut(8)
                        .activation(Activation.RELU)
                        .dropOut(0.8)
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE)
                        .nIn(8)
                        .nOut(1)
                        .updater(new Sgd(0.5))
                        .activation(Activation.IDENTITY)
                        .build())
                .build();
        Map<String, Object> p = Dl4jParams.ofJson(conf.toJson());
        assertEquals(5L, p.get("seed"));
        // the two layers use different updaters: no unprefixed updater
        assertFalse(p.containsKey("updater"), String.valueOf(p.get("updater")));
        assertEquals("Nesterovs", p.get("layer.0.updater"));
        assertEquals(0.95, p.get("layer.0.updater.momentum"));
        assertEquals("ExponentialSchedule", p.get("layer.0.updater.learning_rate_schedule"));
        assertEquals("EPOCH", p.get("layer.0.updater.learning_rate_schedule.schedule_type"));
        assertEquals(0.1, p.get("layer.0.updater.learning_rate_schedule.initial_value"));
        assertEquals(0.9, p.get("layer.0.updater.learning_rate_schedule.gamma"));
        assertEquals("Sgd", p.get("layer.1.updater"));
        assertEquals(0.5, p.get("layer.1.updater.learning_rate"));
        // weight decay is on both layers, dropout only on the first
        assertEquals(1e-3, p.get("weight_decay"));
        assertEquals(true, p.get("weight_decay.apply_lr"));
        assertFalse(p.containsKey("dropout"));
        assertEquals("Dropout", p.get("layer.0.dropout"));
        assertEquals(0.8, p.get("layer.0.dropout.p"));
        assertEquals("MSE", p.get("layer.1.loss"));
        assertEquals("Identity", p.get("layer.1.activation"));
        for (Map.Entry<String, Object> e : p.entrySet()) {
            Object v = e.getValue();
            boolean ok = v instanceof String || v instanceof Long || v instanceof Double || v instanceof Boolean;
            if (!ok) throw new AssertionError(e.getKey() + " has a " + v.getClass());
        }
    }

    @Test
    void namesAndBadInput() {
        assertEquals("learning_rate", Dl4jParams.snake("learningRate"));
        assertEquals("apply_lr", Dl4jParams.snake("applyLR"));
        assertEquals("TanH", Dl4jParams.shortClass("org.nd4j.linalg.activations.impl.ActivationTanH"));
        assertEquals("Xavier", Dl4jParams.shortClass("org.deeplearning4j.nn.weights.WeightInitXavier"));
        assertThrows(IllegalArgumentException.class, () -> Dl4jParams.ofJson("{\"foo\": 1}"));
        assertThrows(IllegalArgumentException.class, () -> Dl4jParams.ofJson("not json"));
    }
}
