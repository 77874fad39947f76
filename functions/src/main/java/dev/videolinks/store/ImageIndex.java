package dev.videolinks.store;

import static dev.videolinks.store.Attributes.s;

import dev.videolinks.VideoVersion;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
    private static final String EXTENSIONS = "exts";

    private final DynamoDbClient dynamoDb;
    private final String table;

    public ImageIndex(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = dynamoDb;
        this.table = table;
    }

    /** The extensions of the images beside a base name ({@code jpg}, {@code png} for {@code clip.jpg}, {@code clip.png}). */
    public Set<String> imagesBeside(String baseName) {
        var item = dynamoDb.getItem(get -> get.tableName(table).consistentRead(true).key(key(baseName))).item();
        return item == null || !item.containsKey(EXTENSIONS) ? Set.of() : Set.copyOf(item.get(EXTENSIONS).ss());
    }

    /** Records the extensions of the images beside a base name, as a listing just saw them. */
    public void recordImages(String baseName, Set<String> extensions) {
        var update = new ItemUpdate(table, key(baseName));
        if (extensions.isEmpty()) {
            update.remove("#", EXTENSIONS);
        } else {
            update.set("# = ?", EXTENSIONS, AttributeValue.fromSs(List.copyOf(extensions)));
        }
        dynamoDb.updateItem(update.request(ReturnValue.NONE));
    }

    /**
     * Sets the poster of a recorded version to the image beside it with this extension, or removes it (null), unless
     * the video's metadata names its poster.
     */
    public PosterChange setPoster(VideoVersion version, String extension) {
        if (version.etag() == null) {
            return PosterChange.NOT_RECORDED;
        }
        var update = new ItemUpdate(table, JobItem.key(version.jobId()));
        if (extension == null) {
            update.remove("#.#.#", JobItem.VIDEOS, version.key(), VideoEntry.POSTER);
        } else {
            update.set("#.#.# = ?", JobItem.VIDEOS, version.key(), VideoEntry.POSTER, s(extension));
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
