package dev.videolinks;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * The DynamoDB table: per job, one item per video ({@code sk = video#<key>}) and one delivery item
 * ({@code sk = delivery}), all under the partition key {@code job_id}.
 */
final class VideoTable {

    static final String PARTITION_KEY = "job_id";
    static final String SORT_KEY = "sk";
    private static final String VIDEO_PREFIX = "video#";
    private static final String DELIVERY = "delivery";

    private final DynamoDbClient dynamoDb;
    private final String table;

    VideoTable(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = dynamoDb;
        this.table = table;
    }

    /** Records a video version; false when this exact version was already recorded (a duplicate event). */
    boolean recordVideo(Video video) {
        var item = new HashMap<String, AttributeValue>();
        item.put(PARTITION_KEY, s(video.jobId()));
        item.put(SORT_KEY, s(VIDEO_PREFIX + video.key()));
        item.put("bucket", s(video.bucket()));
        item.put("s3_key", s(video.key()));
        item.put("etag", s(video.eTag()));
        item.put("object_version", s(video.version()));
        item.put("size", n(video.size()));
        item.put("content_type", s(video.contentType()));
        item.put("video_count", n(video.videoCount()));
        item.put("recorded_at", s(video.recordedAt().toString()));
        item.put("metadata", AttributeValue.fromM(video.metadata().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> s(e.getValue())))));
        if (video.versionId() != null) {
            item.put("version_id", s(video.versionId()));
        }
        if (video.userId() != null) {
            item.put("user_id", s(video.userId()));
        }
        try {
            dynamoDb.putItem(put -> put.tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(sk) OR object_version <> :version")
                    .expressionAttributeValues(Map.of(":version", s(video.version()))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /** Every recorded video of a job, read consistently so a just-recorded video is seen. */
    List<Video> videos(String jobId) {
        return dynamoDb.queryPaginator(query -> query.tableName(table).consistentRead(true)
                        .keyConditionExpression("job_id = :job AND begins_with(sk, :video)")
                        .expressionAttributeValues(Map.of(":job", s(jobId), ":video", s(VIDEO_PREFIX))))
                .items().stream()
                .map(VideoTable::toVideo)
                .toList();
    }

    Optional<Delivery> delivery(String jobId) {
        var item = dynamoDb.getItem(get -> get.tableName(table).consistentRead(true).key(deliveryKey(jobId))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(toDelivery(item));
    }

    /**
     * Marks the job's delivery pending for this webhook id before anything is sent. False when that id is
     * already delivered (another invocation got there first).
     */
    boolean beginDelivery(String jobId, String webhookId, String userId, int attempts, Instant now) {
        var values = new HashMap<String, AttributeValue>();
        values.put(":id", s(webhookId));
        values.put(":pending", s(Delivery.State.PENDING.name()));
        values.put(":delivered", s(Delivery.State.DELIVERED.name()));
        values.put(":attempts", n(attempts));
        values.put(":now", s(now.toString()));
        String set = "SET webhook_id = :id, delivery_state = :pending, attempts = :attempts, updated_at = :now";
        if (userId != null) {
            values.put(":user", s(userId));
            set += ", user_id = :user";
        }
        String update = set;
        try {
            dynamoDb.updateItem(u -> u.tableName(table).key(deliveryKey(jobId))
                    .updateExpression(update)
                    .conditionExpression("attribute_not_exists(sk) OR webhook_id <> :id OR delivery_state <> :delivered")
                    .expressionAttributeValues(values));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /**
     * Writes the outcome of a delivery series. Does nothing when a newer webhook id has taken over the job
     * meanwhile (a new version of one of its videos arrived).
     */
    void recordOutcome(String jobId, String webhookId, Delivery.State state, int attempts, Integer lastStatus,
            String lastError, Instant nextAttemptAt, Instant now) {
        var values = new HashMap<String, AttributeValue>();
        values.put(":id", s(webhookId));
        values.put(":state", s(state.name()));
        values.put(":attempts", n(attempts));
        values.put(":now", s(now.toString()));
        var set = new StringBuilder("SET delivery_state = :state, attempts = :attempts, updated_at = :now");
        var remove = new StringBuilder();
        if (lastStatus != null) {
            values.put(":status", n(lastStatus));
            set.append(", last_status = :status");
        } else {
            remove.append(remove.isEmpty() ? " REMOVE " : ", ").append("last_status");
        }
        if (lastError != null) {
            values.put(":error", s(lastError));
            set.append(", last_error = :error");
        } else {
            remove.append(remove.isEmpty() ? " REMOVE " : ", ").append("last_error");
        }
        if (nextAttemptAt != null) {
            values.put(":next", n(nextAttemptAt.getEpochSecond()));
            set.append(", next_attempt_at = :next");
        } else {
            remove.append(remove.isEmpty() ? " REMOVE " : ", ").append("next_attempt_at");
        }
        if (state == Delivery.State.DELIVERED) {
            set.append(", delivered_at = :now");
        }
        String update = set.append(remove).toString();
        try {
            dynamoDb.updateItem(u -> u.tableName(table).key(deliveryKey(jobId))
                    .updateExpression(update)
                    .conditionExpression("webhook_id = :id")
                    .expressionAttributeValues(values));
        } catch (ConditionalCheckFailedException e) {
            // superseded by a newer version of the job: its own delivery owns the item now
        }
    }

    private static Map<String, AttributeValue> deliveryKey(String jobId) {
        return Map.of(PARTITION_KEY, s(jobId), SORT_KEY, s(DELIVERY));
    }

    private static Video toVideo(Map<String, AttributeValue> item) {
        return new Video(
                item.get(PARTITION_KEY).s(),
                text(item, "user_id"),
                Integer.parseInt(item.get("video_count").n()),
                item.get("bucket").s(),
                item.get("s3_key").s(),
                item.get("etag").s(),
                text(item, "version_id"),
                Long.parseLong(item.get("size").n()),
                item.get("content_type").s(),
                item.get("metadata").m().entrySet().stream()
                        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().s())),
                Instant.parse(item.get("recorded_at").s()));
    }

    private static Delivery toDelivery(Map<String, AttributeValue> item) {
        return new Delivery(
                item.get(PARTITION_KEY).s(),
                item.get("webhook_id").s(),
                Delivery.State.valueOf(item.get("delivery_state").s()),
                Integer.parseInt(item.get("attempts").n()),
                item.containsKey("last_status") ? Integer.valueOf(item.get("last_status").n()) : null,
                text(item, "last_error"),
                item.containsKey("next_attempt_at")
                        ? Instant.ofEpochSecond(Long.parseLong(item.get("next_attempt_at").n())) : null,
                Instant.parse(item.get("updated_at").s()));
    }

    private static String text(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
