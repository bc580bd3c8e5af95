package io.runlake.client.internal;

import io.runlake.format.FormatVersion;
import io.runlake.format.Json;
import io.runlake.format.RunEvent;
import java.util.List;
import java.util.Map;

/**
 * Journals and queues one writer's run events (params, tags, artifacts, inputs), numbered in the order they are
 * logged.
 */
final class EventWriter {
    private final RunIdentity id;
    private final DurableWriter out;
    private final WriterThread thread;
    private long eventSeq;

    EventWriter(RunIdentity id, DurableWriter out, WriterThread thread) {
        this.id = id;
        this.out = out;
        this.thread = thread;
    }

    void params(Map<String, Object> params) {
        write(RunEvent.PARAMS, params, null, null, null);
    }

    /** A null value deletes the tag. */
    void tags(Map<String, String> tags) {
        write(RunEvent.TAGS, null, tags, null, null);
    }

    void artifact(RunEvent.Artifact artifact) {
        write(RunEvent.ARTIFACT, null, null, artifact, null);
    }

    void input(RunEvent.Input input) {
        write(RunEvent.INPUT, null, null, null, input);
    }

    private void write(
            String kind,
            Map<String, Object> params,
            Map<String, String> tags,
            RunEvent.Artifact artifact,
            RunEvent.Input input) {
        RunEvent event = new RunEvent(
                FormatVersion.CURRENT,
                kind,
                id.experiment(),
                id.runId(),
                id.worker(),
                id.writerId(),
                System.currentTimeMillis(),
                params,
                tags,
                artifact,
                input);
        journalAndWrite(thread, out, new StartJournal.Entry(id.eventKey(nextEventSeq()), Json.write(event)));
    }

    /**
     * Appends the object to the start journal on the caller's thread, so that it survives the death of this process
     * when the call returns, and queues its store write; without a journal, only queues the write.
     */
    static void journalAndWrite(WriterThread thread, DurableWriter out, StartJournal.Entry object) {
        DurableWriter.Journaled journaled = out.tryJournal(List.of(object));
        if (journaled != null) {
            thread.execute((WriterThread.JournaledWrite) () -> out.writeJournaled(journaled));
        } else {
            thread.execute(() -> out.write(object.key(), object.data()));
        }
    }

    private synchronized long nextEventSeq() {
        return eventSeq++;
    }
}
