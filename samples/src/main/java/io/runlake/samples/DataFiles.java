package io.runlake.samples;

import io.runlake.client.Run;
import io.runlake.store.LocalPaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;

/**
 * The demo's data set and sweep configuration as files, so runs record them the way a real job would:
 * the data by content checksum ({@code logInput}) and the grid as configuration-as-code ({@code logConfig}).
 * The files are deterministic, so every demo run records the same data checksum.
 */
record DataFiles(Path dir, Path train, Path validation) {

    /** Writes the data files into {@code workDir} (created 0700 if missing). */
    static DataFiles write(Dataset.Split data, Path workDir) {
        try {
            Path dir =
                    LocalPaths.createPrivateDirectories(workDir.toAbsolutePath().normalize());
            return new DataFiles(
                    dir,
                    writeCsv(dir.resolve("spirals-train.csv"), data.train()),
                    writeCsv(dir.resolve("spirals-validation.csv"), data.validation()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the demo data set: " + e.getMessage(), e);
        }
    }

    private static Path writeCsv(Path file, Dataset d) throws IOException {
        StringBuilder b = new StringBuilder("x1,x2,label\n");
        for (int i = 0; i < d.size(); i++) {
            b.append(String.format(Locale.ROOT, "%.17g,%.17g,%d%n", d.x()[i][0], d.x()[i][1], d.y()[i]));
        }
        Path tmp = Files.createTempFile(file.getParent(), ".data", ".tmp");
        Files.writeString(tmp, b, StandardCharsets.UTF_8);
        return Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Records the train and validation files (SHA-256 of their content) as the run's inputs. */
    void logInputs(Run run) {
        run.logInput("spirals-train", train.toString(), "train");
        run.logInput("spirals-validation", validation.toString(), "validation");
    }

    /** The sweep's grid as a YAML file. */
    Path sweepConfig(List<SweepDemo.TrialPlan> trials) {
        StringBuilder b = new StringBuilder("sweep:\n  strategy: grid\n  trials:\n");
        for (SweepDemo.TrialPlan t : trials) {
            TrainConfig c = t.config();
            b.append(String.format(
                    Locale.ROOT,
                    "    - {name: %s, learning_rate: %s, hidden_units: %d, batch_size: %d, epochs: %d, workers: %d}%n",
                    t.name(),
                    c.learningRate(),
                    c.hiddenUnits(),
                    c.batchSize(),
                    c.epochs(),
                    t.workers()));
        }
        try {
            Path file = dir.resolve("sweep.yaml");
            Files.writeString(file, b, StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the sweep config: " + e.getMessage(), e);
        }
    }
}
