package dev.videolinks;

import static dev.videolinks.Attributes.s;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * Which job holds each key, and the latest sequencer S3 announced for it: one small item per key in the same
 * table ({@code key#<key>}; job ids cannot contain '#'). It answers a removal, which carries no metadata; it
 * moves a key reused for another job out of its old job; and it keeps events of older versions, which S3 may
 * deliver late, from replacing newer ones. Beside it, which images share a base name ({@code images#<base>},
 * see {@link Posters}), so that a video finds its poster with one read instead of listing the bucket.
 */
final class KeyIndex {

    private static final String PREFIX = "key#";
    private static final String IMAGES = "images#";
    private static final int MAX_ROUNDS = 4;

    /** What claiming a key for a job found: a later event recorded already, or the job it leaves, if another. */
    record Claim(boolean stale, VideoVersion left) {
        static final Claim STALE = new Claim(true, null);
        static final Claim KEPT = new Claim(false, null);
    }

    /** The job a key was last given to, the version that claimed it, and whether its latest event removed it. */
    record Entry(String jobId, boolean removed, String etag, String versionId) {
        VideoVersion version(String key) {
            return new VideoVersion(jobId, key, etag, versionId);
        }
    }

    private final DynamoDbClient dynamoDb;
    private final String table;

    KeyIndex(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = dynamoDb;
        this.table = table;
    }

    /**
     * Gives the key to a video's job, unless an event with a later sequencer was seen for it (then the claim is
     * stale and nothing changes). When the key belonged to another job, the answer names it, and the index keeps
     * naming it ({@code moved_from}) until {@link #moved} says the old job let the key go, so that a retry after a
     * crash in between still finds it.
     */
    Claim claim(Video video) {
        var names = new HashMap<>(Map.of("#job", "points_to"));
        var values = new HashMap<String, AttributeValue>(Map.of(":job", s(video.jobId()), ":etag", s(video.etag()),
                ":false", AttributeValue.fromBool(false)));
        String set = "#job = :job, etag = :etag, removed = :false";
        if (video.versionId() != null) {
            values.put(":vid", s(video.versionId()));
            set += ", vid = :vid";
        }
        String remove = video.versionId() == null ? " REMOVE vid" : "";
        if (video.sequencer() != null) {
            values.put(":seq", s(video.sequencer()));
            set += ", seq = :seq";
        }
        String notStale = video.sequencer() == null ? "" : " AND (attribute_not_exists(seq) OR seq <= :seq)";
        for (int round = 0; round < MAX_ROUNDS; round++) {
            Map<String, AttributeValue> old;
            try {
                String expression = "SET " + set + remove;
                String condition = "(attribute_not_exists(#job) OR #job = :job)" + notStale;
                old = dynamoDb.updateItem(u -> u.tableName(table).key(key(video.key()))
                        .updateExpression(expression)
                        .conditionExpression(condition)
                        .expressionAttributeNames(names).expressionAttributeValues(values)
                        .returnValues(ReturnValue.ALL_OLD)
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)).attributes();
                // A move that a crash interrupted: the old job has yet to let the key go.
                return old.containsKey("moved_from") ? left(video.key(), old, "moved_from", "moved_etag", "moved_vid") : Claim.KEPT;
            } catch (ConditionalCheckFailedException refused) {
                old = refused.item();
            }
            if (ObjectEvent.isLater(Attributes.text(old, "seq"), video.sequencer())) {
                return Claim.STALE;
            }
            names.put("#from", "moved_from");
            values.put(":from", old.get("points_to"));
            String move = "SET #from = #job, moved_etag = etag, moved_vid = if_not_exists(vid, :none), " + set;
            values.put(":none", s(""));
            try {
                String expression = move + remove;
                String condition = "#job = :from" + notStale;
                dynamoDb.updateItem(u -> u.tableName(table).key(key(video.key()))
                        .updateExpression(expression)
                        .conditionExpression(condition)
                        .expressionAttributeNames(names).expressionAttributeValues(values));
                return left(video.key(), old, "points_to", "etag", "vid");
            } catch (ConditionalCheckFailedException raced) {
                names.remove("#from");
                values.remove(":from");
                values.remove(":none");
            }
        }
        throw new IllegalStateException("key " + video.key() + " kept changing while it was claimed");
    }

    private static Claim left(String key, Map<String, AttributeValue> item, String job, String eTag, String versionId) {
        String vid = Attributes.text(item, versionId);
        return new Claim(false, new VideoVersion(Attributes.text(item, job), key, Attributes.text(item, eTag),
                vid == null || vid.isEmpty() ? null : vid));
    }

    /** The old job let the key go: the index stops naming it. */
    void moved(String key, String fromJob) {
        try {
            dynamoDb.updateItem(u -> u.tableName(table).key(key(key))
                    .updateExpression("REMOVE moved_from, moved_etag, moved_vid")
                    .conditionExpression("moved_from = :from")
                    .expressionAttributeValues(Map.of(":from", s(fromJob))));
        } catch (ConditionalCheckFailedException alreadyForgotten) {
            // another retry of the same event got there first
        }
    }

    Optional<Entry> entry(String key) {
        var item = dynamoDb.getItem(get -> get.tableName(table).consistentRead(true).key(key(key))).item();
        if (item == null || item.isEmpty() || !item.containsKey("points_to")) {
            return Optional.empty();
        }
        var removed = item.get("removed");
        return Optional.of(new Entry(item.get("points_to").s(), removed != null && removed.bool(),
                Attributes.text(item, "etag"), Attributes.text(item, "vid")));
    }

    /**
     * Records that the key was removed by an event with this sequencer, unless a later event was seen for it.
     * False when the removal is stale. A removal without a sequencer cannot be ordered and is taken.
     */
    boolean removed(String key, String sequencer) {
        if (sequencer == null) {
            dynamoDb.updateItem(u -> u.tableName(table).key(key(key))
                    .updateExpression("SET removed = :true")
                    .expressionAttributeValues(Map.of(":true", AttributeValue.fromBool(true))));
            return true;
        }
        try {
            dynamoDb.updateItem(u -> u.tableName(table).key(key(key))
                    .updateExpression("SET removed = :true, seq = :seq")
                    .conditionExpression("attribute_not_exists(seq) OR seq < :seq")
                    .expressionAttributeValues(Map.of(":true", AttributeValue.fromBool(true), ":seq", s(sequencer))));
            return true;
        } catch (ConditionalCheckFailedException later) {
            return false;
        }
    }

    /** The extensions of the images beside a base name ({@code jpg}, {@code png} for {@code clip.jpg}, {@code clip.png}). */
    java.util.Set<String> imagesBeside(String baseName) {
        var item = dynamoDb.getItem(get -> get.tableName(table).consistentRead(true)
                .key(Map.of(VideoTable.PARTITION_KEY, s(IMAGES + baseName)))).item();
        return item == null || !item.containsKey("exts") ? java.util.Set.of() : java.util.Set.copyOf(item.get("exts").ss());
    }

    /** Records the extensions of the images beside a base name, as a listing just saw them. */
    void imagesBeside(String baseName, java.util.Set<String> extensions) {
        var key = Map.of(VideoTable.PARTITION_KEY, s(IMAGES + baseName));
        if (extensions.isEmpty()) {
            dynamoDb.updateItem(u -> u.tableName(table).key(key).updateExpression("REMOVE exts"));
        } else {
            dynamoDb.updateItem(u -> u.tableName(table).key(key).updateExpression("SET exts = :exts")
                    .expressionAttributeValues(Map.of(":exts", AttributeValue.fromSs(List.copyOf(extensions)))));
        }
    }

    private static Map<String, AttributeValue> key(String key) {
        return Map.of(VideoTable.PARTITION_KEY, s(PREFIX + key));
    }
}
