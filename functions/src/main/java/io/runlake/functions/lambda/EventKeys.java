package io.runlake.functions.lambda;

import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.events.models.s3.S3EventNotification;
import io.runlake.format.Layout;
import java.net.URI;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Maps S3 event records to the experiments they touch. Keys in events are URL-encoded ("=" is %3D, " " is +). */
final class EventKeys {
    private EventKeys() {}

    /**
     * Experiments touched by the event and the kinds of raw object that arrived. Records of other
     * buckets, of keys outside the store's prefix, or of keys that are not run objects are ignored.
     */
    static Map<String, EnumSet<Layout.RunObjectKind>> experiments(S3Event event, URI storeUri) {
        Map<String, EnumSet<Layout.RunObjectKind>> out = new TreeMap<>();
        if (event == null || event.getRecords() == null) return out;
        for (S3EventNotification.S3EventNotificationRecord r : event.getRecords()) {
            if (r.getS3() == null || r.getS3().getObject() == null) continue;
            String bucket =
                    r.getS3().getBucket() == null ? null : r.getS3().getBucket().getName();
            relativeKey(storeUri, bucket, r.getS3().getObject().getUrlDecodedKey())
                    .flatMap(Layout::parseRunObject)
                    .ifPresent(o -> out.computeIfAbsent(o.experiment(), e -> EnumSet.noneOf(Layout.RunObjectKind.class))
                            .add(o.kind()));
        }
        return out;
    }

    /** The key relative to the store root, if the object belongs to the store ({@code s3://bucket/prefix}). */
    static Optional<String> relativeKey(URI storeUri, String bucket, String key) {
        if (key == null) return Optional.empty();
        if (!"s3".equals(storeUri.getScheme())) return Optional.of(key); // local stores: keys are already relative
        if (bucket != null && !bucket.equals(storeUri.getHost())) return Optional.empty();
        String path = storeUri.getPath() == null
                ? ""
                : storeUri.getPath().replaceAll("^/+", "").replaceAll("/+$", "");
        String prefix = path.isEmpty() ? "" : path + "/";
        return key.startsWith(prefix) ? Optional.of(key.substring(prefix.length())) : Optional.empty();
    }
}
