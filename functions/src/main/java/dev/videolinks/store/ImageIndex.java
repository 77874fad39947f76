package dev.videolinks.store;

import static dev.videolinks.store.Attributes.s;

import dev.videolinks.VideoVersion;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * Which images share a base name ({@code images#<base>}), so that a video finds its poster with one read instead of
 * listing the bucket, and the poster each recorded video carries in its entry. A poster is not a change of the
 * job's videos: it makes no new revision and no webhook; the URL API answers it.
 */
public final class ImageIndex {

    /** What giving a recorded video a poster did. */
    public enum PosterChange { SET, NAMED_BY_METADATA, NOT_RECORDED }

    private static final String PREFIX = "images#";
    /** A map of each image's extension to its ETag. */
    private static final String IMAGES = "imgs";

    private final DynamoDbClient dynamoDb;
    private final String table;

    public ImageIndex(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = dynamoDb;
        this.table = table;
    }

    /**
     * The images beside a base name, each extension with the image's ETag ({@code jpg}, {@code png} for
     * {@code clip.jpg}, {@code clip.png}).
     */
    public Map<String, String> imagesBeside(String baseName) {
        var item = dynamoDb.getItem(get -> get.tableName(table).consistentRead(true).key(key(baseName))).item();
        if (item == null || !item.containsKey(IMAGES)) {
            return Map.of();
        }
        var images = new java.util.TreeMap<String, String>();
        item.get(IMAGES).m().forEach((extension, etag) -> images.put(extension, etag.s()));
        return images;
    }

    /** Records the images beside a base name, as a listing just saw them: each extension with its ETag. */
    public void recordImages(String baseName, Map<String, String> images) {
        var update = new ItemUpdate(table, key(baseName));
        if (images.isEmpty()) {
            update.remove("#", IMAGES);
        } else {
            var map = new java.util.HashMap<String, AttributeValue>();
            images.forEach((extension, etag) -> map.put(extension, s(etag)));
            update.set("# = ?", IMAGES, AttributeValue.fromM(map));
        }
        dynamoDb.updateItem(update.request(ReturnValue.NONE));
    }

    /**
     * Sets the poster of a recorded version to the image beside it with this extension and ETag, or removes it
     * (null), unless the video's metadata names its poster.
     */
    public PosterChange setPoster(VideoVersion version, String extension, String etag) {
        if (version.etag() == null) {
            return PosterChange.NOT_RECORDED;
        }
        var update = new ItemUpdate(table, JobItem.key(version.jobId()));
        if (extension == null) {
            update.remove("#.#.#, #.#.#", JobItem.VIDEOS, version.key(), VideoEntry.POSTER,
                    JobItem.VIDEOS, version.key(), VideoEntry.POSTER_ETAG);
        } else {
            update.set("#.#.# = ?", JobItem.VIDEOS, version.key(), VideoEntry.POSTER, s(extension));
            if (etag == null) {
                update.remove("#.#.#", JobItem.VIDEOS, version.key(), VideoEntry.POSTER_ETAG);
            } else {
                update.set("#.#.# = ?", JobItem.VIDEOS, version.key(), VideoEntry.POSTER_ETAG, s(etag));
            }
        }
        VideoEntry.whenVersionIs(update, version);
        update.when("attribute_not_exists(#.#.#) OR #.#.# <> ?", JobItem.VIDEOS, version.key(), VideoEntry.POSTER,
                JobItem.VIDEOS, version.key(), VideoEntry.POSTER, s(VideoEntry.POSTER_FROM_METADATA));
        try {
            dynamoDb.updateItem(update.request(ReturnValue.NONE));
            return PosterChange.SET;
        } catch (ConditionalCheckFailedException refused) {
            Map<String, AttributeValue> old = refused.hasItem() ? refused.item() : Map.of();
            AttributeValue entry = old.containsKey(JobItem.VIDEOS) ? old.get(JobItem.VIDEOS).m().get(version.key()) : null;
            return VideoEntry.namesItsPoster(entry, version.etag(), version.versionId())
                    ? PosterChange.NAMED_BY_METADATA : PosterChange.NOT_RECORDED;
        }
    }

    private static Map<String, AttributeValue> key(String baseName) {
        return JobItem.key(PREFIX + baseName);
    }
}
