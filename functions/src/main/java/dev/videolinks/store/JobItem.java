package dev.videolinks.store;

import dev.videolinks.Job;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A job's item in the table, and the {@link Job} read back from one: its key, owner, bucket, revision, its videos
 * (a map of {@link VideoEntry}s by key) and, beside them, the delivery of their webhook ({@link DeliveryItem}).
 */
final class JobItem {

    static final String PARTITION_KEY = "job_id";
    static final String OWNER = "owner";
    static final String BUCKET = "bucket";
    static final String REVISION = "revision";
    static final String VIDEOS = "videos";

    private JobItem() {}

    static Map<String, AttributeValue> key(String jobId) {
        return Map.of(PARTITION_KEY, Attributes.s(jobId));
    }

    static Job toJob(Map<String, AttributeValue> item) {
        String jobId = item.get(PARTITION_KEY).s();
        String owner = Attributes.text(item, OWNER);
        String bucket = Attributes.text(item, BUCKET);
        var videos = item.getOrDefault(VIDEOS, AttributeValue.fromM(Map.of())).m().entrySet().stream()
                .map(e -> VideoEntry.toVideo(jobId, owner, bucket, e.getKey(), e.getValue().m()))
                .toList();
        return new Job(jobId, owner, Attributes.number(item, REVISION, 0), videos, DeliveryItem.delivery(item));
    }

    /** Whether an item is a job's (not a key's or an image index's). */
    static boolean isJob(Map<String, AttributeValue> item) {
        return !item.get(PARTITION_KEY).s().contains("#");
    }
}
