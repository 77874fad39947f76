package dev.videolinks;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * The DynamoDB table: one item per job ({@code job_id}) holding its videos (a map by key) and the state of
 * its webhook delivery. One item per job makes recording a video one conditional write that answers the
 * whole job, and lets the URL API read 100 jobs in one call.
 */
final class VideoTable {

    static final String PARTITION_KEY = "job_id";
    /** BatchGetItem's limit. */
    static final int MAX_BATCH = 100;
    private static final int MAX_UNPROCESSED_ROUNDS = 5;
    private static final String KEY_POINTER = "key#";
    /** The sparse index of deliveries that need a (re)send: only items with {@code due} are in it. */
    static final String DUE_INDEX = "DueDeliveries";
    private static final String DUE = "due";

    /**
     * The job after recording a video; {@code changed} is false when this version was already recorded,
     * {@code leased} true when the same write took the job's delivery lease (see {@link #recordVideo}).
     */
    record Recorded(boolean changed, Job job, boolean leased) {}

    /** The delivery a video that completes a new job by itself starts in the same write. */
    record FirstDelivery(String webhookId, Instant now, Duration lease) {}

    private final DynamoDbClient dynamoDb;
    private final String table;

    VideoTable(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = dynamoDb;
        this.table = table;
    }

    Recorded recordVideo(Video video) {
        return recordVideo(video, null);
    }

    /**
     * Records a video version. Most jobs have a single video: the job is created with it in one conditional
     * write, which, when {@code first} is given and the video completes the job by itself, also marks the
     * delivery pending and takes its lease (one write fewer per video than {@link #beginDelivery} after).
     */
    Recorded recordVideo(Video video, FirstDelivery first) {
        AttributeValue entry = videoEntry(video);
        var item = new HashMap<String, AttributeValue>();
        item.put(PARTITION_KEY, s(video.jobId()));
        item.put("videos", AttributeValue.fromM(Map.of(video.key(), entry)));
        boolean leasing = first != null && video.videoCount() == 1;
        if (leasing) {
            long leaseEnd = first.now().plus(first.lease()).getEpochSecond();
            item.put("webhook_id", s(first.webhookId()));
            item.put("delivery_state", s(Delivery.State.PENDING.name()));
            item.put("attempts", n(0));
            item.put("updated_at", s(first.now().toString()));
            item.put("first_attempt_at", n(first.now().getEpochSecond()));
            item.put("lease_until", n(leaseEnd));
            item.put(DUE, s(DUE));
            item.put("next_attempt_at", n(leaseEnd));
        }
        try {
            dynamoDb.putItem(put -> put.tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(job_id)")
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return new Recorded(true, toJob(item), leasing);
        } catch (ConditionalCheckFailedException exists) {
            Job job = toJob(exists.item());
            if (alreadyRecorded(job, video)) {
                return new Recorded(false, job, false);
            }
        }
        try {
            var updated = dynamoDb.updateItem(update -> update.tableName(table).key(key(video.jobId()))
                    .updateExpression("SET videos.#key = :video")
                    .conditionExpression("attribute_not_exists(videos.#key) OR videos.#key.object_version <> :version"
                            + " OR videos.#key.removed = :true")
                    .expressionAttributeNames(Map.of("#key", video.key()))
                    .expressionAttributeValues(Map.of(":video", entry, ":version", s(video.version()),
                            ":true", AttributeValue.fromBool(true)))
                    .returnValues(ReturnValue.ALL_NEW)
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return new Recorded(true, toJob(updated.attributes()), false);
        } catch (ConditionalCheckFailedException concurrentDuplicate) {
            return new Recorded(false, toJob(concurrentDuplicate.item()), false);
        }
    }

    private static boolean alreadyRecorded(Job job, Video video) {
        return job.videos().stream().anyMatch(v ->
                v.key().equals(video.key()) && v.version().equals(video.version()) && !v.removed());
    }

    Optional<Job> job(String jobId) {
        var item = dynamoDb.getItem(get -> get.tableName(table).consistentRead(true).key(key(jobId))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(toJob(item));
    }

    /** Up to {@value #MAX_BATCH} jobs in one round trip (plus a few for keys DynamoDB leaves unprocessed). */
    Map<String, Job> jobs(Collection<String> jobIds) {
        if (jobIds.size() > MAX_BATCH) {
            throw new IllegalArgumentException("at most " + MAX_BATCH + " jobs per batch");
        }
        var found = new LinkedHashMap<String, Job>();
        if (jobIds.isEmpty()) {
            return found;
        }
        Map<String, KeysAndAttributes> request = Map.of(table, KeysAndAttributes.builder()
                .keys(jobIds.stream().map(VideoTable::key).toList()).build());
        for (int round = 0; !request.isEmpty(); round++) {
            if (round == MAX_UNPROCESSED_ROUNDS) {
                throw new IllegalStateException("DynamoDB left keys unprocessed after " + round + " rounds");
            }
            Map<String, KeysAndAttributes> next = request;
            var response = dynamoDb.batchGetItem(batch -> batch.requestItems(next));
            response.responses().getOrDefault(table, List.of()).forEach(item -> {
                Job job = toJob(item);
                found.put(job.jobId(), job);
            });
            request = response.unprocessedKeys();
        }
        return found;
    }

    /**
     * Remembers the job of a key whose job the key alone does not tell (job id from metadata), so that its
     * removal, which carries no metadata, finds the job. Job ids cannot contain '#': no clash with real jobs.
     */
    void rememberJobOfKey(String key, String jobId) {
        dynamoDb.putItem(put -> put.tableName(table)
                .item(Map.of(PARTITION_KEY, s(KEY_POINTER + key), "points_to", s(jobId))));
    }

    Optional<String> rememberedJobOfKey(String key) {
        var item = dynamoDb.getItem(get -> get.tableName(table).consistentRead(true).key(key(KEY_POINTER + key))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item.get("points_to").s());
    }

    /**
     * Marks a video removed, unless the removal is older than the recorded version (S3 sequencers order the
     * events of one key). Answers the job after the change, or empty when there was nothing to remove.
     */
    Optional<Job> markRemoved(String jobId, String key, String sequencer, Instant now) {
        Optional<Job> job = job(jobId);
        Optional<Video> video = job.flatMap(j -> j.videos().stream().filter(v -> v.key().equals(key)).findFirst());
        if (video.isEmpty() || video.get().removed() || isOlder(sequencer, video.get().sequencer())) {
            return Optional.empty();
        }
        try {
            var updated = dynamoDb.updateItem(update -> update.tableName(table).key(key(jobId))
                    .updateExpression("SET videos.#key.removed = :true, videos.#key.removed_at = :now")
                    .conditionExpression("videos.#key.object_version = :version")
                    .expressionAttributeNames(Map.of("#key", key))
                    .expressionAttributeValues(Map.of(":true", AttributeValue.fromBool(true), ":now", s(now.toString()),
                            ":version", s(video.get().version())))
                    .returnValues(ReturnValue.ALL_NEW));
            return Optional.of(toJob(updated.attributes()));
        } catch (ConditionalCheckFailedException replacedMeanwhile) {
            return Optional.empty();
        }
    }

    /** S3 sequencers compare as hex strings right-padded with zeros to the same length. */
    static boolean isOlder(String sequencer, String than) {
        if (sequencer == null || than == null) {
            return false;
        }
        int length = Math.max(sequencer.length(), than.length());
        String a = (sequencer + "0".repeat(length)).substring(0, length);
        String b = (than + "0".repeat(length)).substring(0, length);
        return a.compareToIgnoreCase(b) < 0;
    }

    /** Whether a send may start: this caller holds the lease, or why not. */
    enum Lease { ACQUIRED, SETTLED, HELD_FOR_SAME_ID, HELD_FOR_OTHER_ID }

    /**
     * Takes the job's short delivery lease for this webhook id before anything is sent, marks the delivery
     * pending, and makes it due at the lease's end, so that a send that dies half-way is redelivered. Two
     * instances with the same job (duplicate events on two environments) cannot both send.
     */
    Lease beginDelivery(String jobId, String webhookId, int attempts, boolean newSeries, Instant now, Duration lease) {
        var values = new HashMap<String, AttributeValue>();
        values.put(":id", s(webhookId));
        values.put(":pending", s(Delivery.State.PENDING.name()));
        values.put(":delivered", s(Delivery.State.DELIVERED.name()));
        values.put(":abandoned", s(Delivery.State.ABANDONED.name()));
        values.put(":attempts", n(attempts));
        values.put(":now", s(now.toString()));
        values.put(":now_epoch", n(now.getEpochSecond()));
        values.put(":lease", n(now.plus(lease).getEpochSecond()));
        values.put(":due", s(DUE));
        String first = newSeries ? "first_attempt_at = :now_epoch" : "first_attempt_at = if_not_exists(first_attempt_at, :now_epoch)";
        try {
            dynamoDb.updateItem(u -> u.tableName(table).key(key(jobId))
                    .updateExpression("SET webhook_id = :id, delivery_state = :pending, attempts = :attempts, updated_at = :now, "
                            + first + ", lease_until = :lease, due = :due, next_attempt_at = :lease")
                    .conditionExpression("attribute_exists(job_id)"
                            + " AND (attribute_not_exists(webhook_id) OR webhook_id <> :id"
                            + "      OR (delivery_state <> :delivered AND delivery_state <> :abandoned))"
                            + " AND (attribute_not_exists(lease_until) OR lease_until <= :now_epoch)")
                    .expressionAttributeValues(values)
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return Lease.ACQUIRED;
        } catch (ConditionalCheckFailedException e) {
            var delivery = toJob(e.item()).delivery();
            if (delivery.isPresent() && delivery.get().isSettled(webhookId)) {
                return Lease.SETTLED;
            }
            return delivery.isPresent() && delivery.get().webhookId().equals(webhookId)
                    ? Lease.HELD_FOR_SAME_ID : Lease.HELD_FOR_OTHER_ID;
        }
    }

    /**
     * Takes the lease of a due delivery for the scheduled redelivery: only while it is still due, for the same
     * webhook id, and nobody else holds it. Answers the job as it is then, or empty.
     */
    Optional<Job> leaseDue(String jobId, Instant now, Duration lease) {
        try {
            var updated = dynamoDb.updateItem(u -> u.tableName(table).key(key(jobId))
                    .updateExpression("SET lease_until = :lease, next_attempt_at = :lease, delivery_state = :pending, updated_at = :now")
                    .conditionExpression("due = :due AND next_attempt_at <= :now_epoch"
                            + " AND (attribute_not_exists(lease_until) OR lease_until <= :now_epoch)")
                    .expressionAttributeValues(Map.of(":lease", n(now.plus(lease).getEpochSecond()),
                            ":pending", s(Delivery.State.PENDING.name()), ":now", s(now.toString()),
                            ":due", s(DUE), ":now_epoch", n(now.getEpochSecond())))
                    .returnValues(ReturnValue.ALL_NEW));
            return Optional.of(toJob(updated.attributes()));
        } catch (ConditionalCheckFailedException takenOrDone) {
            return Optional.empty();
        }
    }

    /** Job ids whose delivery is due now, oldest first, from the sparse index: no table scan. */
    List<String> dueJobs(Instant now, int limit) {
        return dynamoDb.queryPaginator(q -> q.tableName(table).indexName(DUE_INDEX)
                        .keyConditionExpression("due = :due AND next_attempt_at <= :now")
                        .expressionAttributeValues(Map.of(":due", s(DUE), ":now", n(now.getEpochSecond())))
                        .limit(Math.min(limit, 100)))
                .items().stream()
                .limit(limit)
                .map(item -> item.get(PARTITION_KEY).s())
                .toList();
    }

    /**
     * Writes the outcome of a delivery series and releases the lease: due again at {@code nextAttemptAt}, or
     * out of the due index when delivered or abandoned. Does nothing when a newer webhook id has taken over
     * the job meanwhile (a new version of one of its videos arrived): that delivery owns the state now.
     */
    void recordOutcome(String jobId, String webhookId, Delivery.State state, int attempts, Integer lastStatus,
            String lastError, Instant nextAttemptAt, Instant now) {
        var values = new HashMap<String, AttributeValue>();
        values.put(":id", s(webhookId));
        values.put(":state", s(state.name()));
        values.put(":attempts", n(attempts));
        values.put(":now", s(now.toString()));
        var set = new ArrayList<>(List.of("delivery_state = :state", "attempts = :attempts", "updated_at = :now"));
        var remove = new ArrayList<String>();
        optional(set, remove, values, "last_status", lastStatus == null ? null : n(lastStatus));
        optional(set, remove, values, "last_error", lastError == null ? null : s(lastError));
        optional(set, remove, values, "next_attempt_at", nextAttemptAt == null ? null : n(nextAttemptAt.getEpochSecond()));
        optional(set, remove, values, "due", nextAttemptAt == null ? null : s(DUE));
        remove.add("lease_until");
        if (state == Delivery.State.DELIVERED) {
            set.add("delivered_at = :now");
        }
        String update = "SET " + String.join(", ", set) + (remove.isEmpty() ? "" : " REMOVE " + String.join(", ", remove));
        try {
            dynamoDb.updateItem(u -> u.tableName(table).key(key(jobId))
                    .updateExpression(update)
                    .conditionExpression("webhook_id = :id")
                    .expressionAttributeValues(values));
        } catch (ConditionalCheckFailedException superseded) {
            // a newer version of the job is being delivered; its outcome is the one to keep
        }
    }

    /**
     * Gives up on a delivery. True only for the one call that did it, so the error line and the metric are
     * emitted once.
     */
    boolean abandon(String jobId, String webhookId, String reason, Instant now) {
        try {
            dynamoDb.updateItem(u -> u.tableName(table).key(key(jobId))
                    .updateExpression("SET delivery_state = :abandoned, last_error = :reason, updated_at = :now"
                            + " REMOVE due, next_attempt_at, lease_until")
                    .conditionExpression("webhook_id = :id AND delivery_state <> :abandoned AND delivery_state <> :delivered")
                    .expressionAttributeValues(Map.of(":abandoned", s(Delivery.State.ABANDONED.name()),
                            ":delivered", s(Delivery.State.DELIVERED.name()), ":reason", s(reason),
                            ":now", s(now.toString()), ":id", s(webhookId))));
            return true;
        } catch (ConditionalCheckFailedException alreadySettled) {
            return false;
        }
    }

    private static void optional(List<String> set, List<String> remove, Map<String, AttributeValue> values,
            String attribute, AttributeValue value) {
        if (value == null) {
            remove.add(attribute);
        } else {
            values.put(":" + attribute, value);
            set.add(attribute + " = :" + attribute);
        }
    }

    private static Map<String, AttributeValue> key(String jobId) {
        return Map.of(PARTITION_KEY, s(jobId));
    }

    private static AttributeValue videoEntry(Video video) {
        var entry = new HashMap<String, AttributeValue>();
        entry.put("bucket", s(video.bucket()));
        entry.put("etag", s(video.eTag()));
        entry.put("object_version", s(video.version()));
        entry.put("size", n(video.size()));
        entry.put("content_type", s(video.contentType()));
        entry.put("video_count", n(video.videoCount()));
        entry.put("recorded_at", s(video.recordedAt().toString()));
        entry.put("metadata", AttributeValue.fromM(video.metadata().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> s(e.getValue())))));
        if (video.versionId() != null) {
            entry.put("version_id", s(video.versionId()));
        }
        if (video.userId() != null) {
            entry.put("user_id", s(video.userId()));
        }
        if (video.sequencer() != null) {
            entry.put("sequencer", s(video.sequencer()));
        }
        return AttributeValue.fromM(entry);
    }

    private static Job toJob(Map<String, AttributeValue> item) {
        String jobId = item.get(PARTITION_KEY).s();
        var videos = item.getOrDefault("videos", AttributeValue.fromM(Map.of())).m().entrySet().stream()
                .map(e -> toVideo(jobId, e.getKey(), e.getValue().m()))
                .toList();
        Optional<Delivery> delivery = item.containsKey("webhook_id") ? Optional.of(new Delivery(
                jobId,
                item.get("webhook_id").s(),
                Delivery.State.valueOf(item.get("delivery_state").s()),
                Integer.parseInt(item.get("attempts").n()),
                item.containsKey("last_status") ? Integer.valueOf(item.get("last_status").n()) : null,
                text(item, "last_error"),
                epoch(item, "first_attempt_at"),
                epoch(item, "next_attempt_at"),
                epoch(item, "lease_until"),
                Instant.parse(item.get("updated_at").s()))) : Optional.empty();
        return new Job(jobId, videos, delivery);
    }

    private static Video toVideo(String jobId, String key, Map<String, AttributeValue> entry) {
        return new Video(
                jobId,
                text(entry, "user_id"),
                Integer.parseInt(entry.get("video_count").n()),
                entry.get("bucket").s(),
                key,
                entry.get("etag").s(),
                text(entry, "version_id"),
                Long.parseLong(entry.get("size").n()),
                entry.get("content_type").s(),
                entry.get("metadata").m().entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().s())),
                text(entry, "sequencer"),
                Instant.parse(entry.get("recorded_at").s()),
                entry.containsKey("removed") && entry.get("removed").bool());
    }

    private static Instant epoch(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : Instant.ofEpochSecond(Long.parseLong(value.n()));
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
