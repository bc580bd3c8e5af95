package io.runlake.lake.delta;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runlake.parquet.HadoopFreeReadOptions;
import io.runlake.parquet.InMemoryInputFile;
import io.runlake.parquet.InMemoryOutputFile;
import io.runlake.parquet.UncompressedCodecs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.MessageType;

/**
 * A Delta Lake classic Parquet checkpoint (Delta PROTOCOL.md, "Checkpoints"): one row per action, one column per
 * action type. Written uncompressed with Parquet v1 pages and plain or dictionary encodings only, so every Delta
 * reader's defaults accept it; read and written without Hadoop on the class path.
 */
public final class DeltaCheckpointCodec {
    private DeltaCheckpointCodec() {}

    /** Encodes actions, each one line of a Delta JSON commit ({@code {"add": {...}}}), as a checkpoint file. */
    public static byte[] write(List<ObjectNode> actions) {
        InMemoryOutputFile out = new InMemoryOutputFile(Math.max(4096, actions.size() * 512));
        try (ParquetWriter<ObjectNode> writer = new Builder(out)
                .withConf(new PlainParquetConfiguration())
                .withCodecFactory(UncompressedCodecs.INSTANCE)
                .withCompressionCodec(CompressionCodecName.UNCOMPRESSED)
                .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_1_0)
                .build()) {
            for (ObjectNode action : actions) writer.write(action);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Decodes a checkpoint back into its actions, in file order; null fields are left out. */
    public static List<ObjectNode> read(byte[] parquet) {
        ParquetReadOptions options = HadoopFreeReadOptions.with(UncompressedCodecs.INSTANCE);
        List<ObjectNode> actions = new ArrayList<>();
        try (ParquetFileReader reader = ParquetFileReader.open(new InMemoryInputFile(parquet), options)) {
            MessageType schema = reader.getFooter().getFileMetaData().getSchema();
            MessageColumnIO columns = new ColumnIOFactory().getColumnIO(schema);
            for (PageReadStore rowGroup = reader.readNextRowGroup();
                    rowGroup != null;
                    rowGroup = reader.readNextRowGroup()) {
                RecordReader<Group> rows = columns.getRecordReader(rowGroup, new GroupRecordConverter(schema));
                for (long i = 0; i < rowGroup.getRowCount(); i++) actions.add(CheckpointRows.action(rows.read()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return actions;
    }

    private static final class Builder extends ParquetWriter.Builder<ObjectNode, Builder> {
        Builder(OutputFile file) {
            super(file);
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        protected WriteSupport<ObjectNode> getWriteSupport(Configuration conf) {
            return new CheckpointWriteSupport();
        }

        @Override
        protected WriteSupport<ObjectNode> getWriteSupport(ParquetConfiguration conf) {
            return new CheckpointWriteSupport();
        }
    }
}
