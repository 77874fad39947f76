package dev.videolinks;

import static dev.videolinks.Attributes.n;
import static dev.videolinks.Attributes.s;

import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A job's item in the table, and the {@link Job} read back from one: its key, owner, bucket, revision, its videos
 * (a map of {@link VideoEntry}s by key) and, beside them, its delivery ({@link DeliveryItem}).
 */
final class JobItem {

    private JobItem() {}

    /** The item of a job that a first video creates, at revision 1. */
    static Map<String, AttributeValue> first(Video video, AttributeValue entry) {
        var item = new HashMap<String, AttributeValue>();
        item.put(VideoTable.PARTITION_KEY, s(video.jobId()));
        item.put("bucket", s(video.bucket()));
        item.put("revision", n(1));
        item.put("videos", AttributeValue.fromM(Map.of(video.key(), entry)));
        if (video.userId() != null) {
            item.put("owner", s(video.userId()));
        }
        return item;
    }

    static Job toJob(Map<String, AttributeValue> item) {
        String jobId = item.get(VideoTable.PARTITION_KEY).s();
        String owner = Attributes.text(item, "owner");
        String bucket = Attributes.text(item, "bucket");
        var videos = item.getOrDefault("videos", AttributeValue.fromM(Map.of())).m().entrySet().stream()
                .map(e -> VideoEntry.toVideo(jobId, owner, bucket, e.getKey(), e.getValue().m()))
                .toList();
        return new Job(jobId, owner, Attributes.number(item, "revision", 0), videos, DeliveryItem.delivery(item));
    }
}
