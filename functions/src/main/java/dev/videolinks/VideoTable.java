package dev.videolinks;

import static dev.videolinks.Attributes.n;
import static dev.videolinks.Attributes.s;

import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * A job's videos in the DynamoDB table: one item per job ({@link JobItem}) with its owner, its videos and a
 * revision, beside its delivery ({@link DeliveryLedger}). One item per job makes recording a video one conditional
 * write that answers the whole job, and lets the URL API read 100 jobs in one call.
 *
 * <p>The item cannot outgrow DynamoDB's 400 KB for any input SPEC allows: a job holds at most
 * {@value #MAX_VIDEOS} videos, each entry at most {@value VideoEntry#MAX_ENTRY_BYTES} bytes (a 1,024-byte key and
 * 2 KB of metadata fit), and a removed video leaves the map.
 */
final class VideoTable {

    static final String PARTITION_KEY = "job_id";
    /** BatchGetItem's limit. */
    static final int MAX_BATCH = 100;
    static final int MAX_VIDEOS = VideoKeys.MAX_VIDEO_COUNT;
    private static final int MAX_UNPROCESSED_ROUNDS = 5;
    /** Conditional writes that lost a race are decided again on what the table answered, this many times. */
    private static final int MAX_ROUNDS = 4;

    /** What recording a video did. */
    enum Change { RECORDED, DUPLICATE, STALE, OWNER_CONFLICT, TOO_MANY_VIDEOS }

    /** What giving a recorded video a poster did. */
    enum PosterChange { SET, NAMED_BY_METADATA, NOT_RECORDED }

    /**
     * The job after recording a video (or as it stood when the video was refused), and the delivery lease the
     * same write took, if any (see {@link #recordVideo}).
     */
    record Recorded(Change change, Job job, DeliveryLedger.Lease lease) {}

    /** The delivery a video that completes a new job by itself starts in the same write. */
    record FirstDelivery(String webhookId, Instant now, Instant leaseUntil) {}

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
     * Records a video version, unless the job's owner is another user's, the job is full, or the table already
     * has this version or a newer one. Most jobs have a single video: the job is created with it in one
     * conditional write, which, when {@code first} is given and the video completes the job by itself, also
     * starts its delivery and takes the lease (one write fewer than {@link DeliveryLedger#begin} after).
     */
    Recorded recordVideo(Video video, FirstDelivery first) {
        AttributeValue entry = VideoEntry.of(video);
        if (VideoEntry.size(video.key(), entry) > VideoEntry.MAX_ENTRY_BYTES) {
            throw new IllegalArgumentException("the entry of " + video.key() + " is larger than "
                    + VideoEntry.MAX_ENTRY_BYTES + " bytes");
        }
        var item = JobItem.first(video, entry);
        DeliveryLedger.Lease lease = first != null && video.videoCount() == 1 ? DeliveryItem.startWith(item, first) : null;
        Job current;
        try {
            dynamoDb.putItem(put -> put.tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(job_id)")
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return new Recorded(Change.RECORDED, JobItem.toJob(item), lease);
        } catch (ConditionalCheckFailedException exists) {
            current = JobItem.toJob(exists.item());
        }
        for (int round = 0; round < MAX_ROUNDS; round++) {
            Change refused = current.refusal(video);
            if (refused != null) {
                return new Recorded(refused, current, null);
            }
            try {
                return new Recorded(Change.RECORDED, add(video, entry, current.video(video.key())), null);
            } catch (ConditionalCheckFailedException changed) {
                current = JobItem.toJob(changed.item());
            }
        }
        throw new IllegalStateException("job " + video.jobId() + " kept changing while " + video.key() + " was recorded");
    }

    /** Adds or replaces the entry, on condition that what {@link Job#refusal} decided on still holds. */
    private Job add(Video video, AttributeValue entry, Optional<Video> replacing) {
        String owner = video.userId() == null ? "" : ", #owner = if_not_exists(#owner, :owner)";
        var update = new JobUpdate(video.jobId(), "SET videos.#key = :video" + owner + " ADD #rev :one")
                .name("#key", video.key()).name("#rev", "revision").name("#owner", "owner")
                .value(":video", entry).value(":one", n(1));
        if (video.userId() != null) {
            update.value(":owner", s(video.userId())).when("(attribute_not_exists(#owner) OR #owner = :owner)");
        }
        if (replacing.isEmpty()) {
            update.value(":max", n(MAX_VIDEOS)).when("attribute_not_exists(videos.#key) AND size(videos) < :max");
        } else {
            update.whenEntryIs(replacing.get().etag(), replacing.get().versionId());
        }
        return update.apply(dynamoDb, table);
    }

    /** Removes this version of a video from its job: the job after, or empty when it is no longer the recorded one. */
    Optional<Job> removeVersion(VideoVersion version) {
        var update = removal(version.jobId(), version.key());
        return remove(version.etag() == null ? update : update.whenEntryIs(version.etag(), version.versionId()));
    }

    /**
     * Removes a video from its job unless the recorded version is as new as the removal's {@code sequencer} (when
     * one is given): the job after, or empty when there was nothing (or no longer anything) to remove.
     */
    Optional<Job> removeUnlessNewer(String jobId, String key, String sequencer) {
        var update = removal(jobId, key);
        if (sequencer != null) {
            update.name("#seq", "seq").value(":seq", s(sequencer))
                    .when("(attribute_not_exists(videos.#key.#seq) OR videos.#key.#seq < :seq)");
        }
        return remove(update);
    }

    private static JobUpdate removal(String jobId, String key) {
        return new JobUpdate(jobId, "REMOVE videos.#key ADD #rev :one")
                .name("#key", key).name("#rev", "revision").value(":one", n(1))
                .when("attribute_exists(videos.#key)");
    }

    private Optional<Job> remove(JobUpdate removal) {
        try {
            return Optional.of(removal.apply(dynamoDb, table));
        } catch (ConditionalCheckFailedException nothingToRemove) {
            return Optional.empty();
        }
    }

    /**
     * Sets the poster of a recorded version to the image beside it with this extension, or removes it (null), unless
     * the video's metadata names its poster. Not a change of the job's videos: the revision stays, no webhook.
     */
    PosterChange setPoster(VideoVersion version, String extension) {
        if (version.etag() == null) {
            return PosterChange.NOT_RECORDED;
        }
        var update = new JobUpdate(version.jobId(), extension == null ? "REMOVE videos.#key.#pst" : "SET videos.#key.#pst = :ext")
                .name("#key", version.key()).name("#pst", "pst").value(":named", s(VideoEntry.POSTER_FROM_METADATA))
                .value(":ext", extension == null ? null : s(extension));
        update.whenEntryIs(version.etag(), version.versionId())
                .when("(attribute_not_exists(videos.#key.#pst) OR videos.#key.#pst <> :named)");
        try {
            update.write(dynamoDb, table);
            return PosterChange.SET;
        } catch (ConditionalCheckFailedException refused) {
            Map<String, AttributeValue> old = refused.hasItem() ? refused.item() : Map.of();
            AttributeValue entry = old.containsKey("videos") ? old.get("videos").m().get(version.key()) : null;
            return VideoEntry.namesItsPoster(entry, version.etag(), version.versionId())
                    ? PosterChange.NAMED_BY_METADATA : PosterChange.NOT_RECORDED;
        }
    }

    Optional<Job> job(String jobId) {
        var item = dynamoDb.getItem(get -> get.tableName(table).consistentRead(true).key(key(jobId))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(JobItem.toJob(item));
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
                Job job = JobItem.toJob(item);
                found.put(job.jobId(), job);
            });
            request = response.unprocessedKeys();
        }
        return found;
    }

    static Map<String, AttributeValue> key(String jobId) {
        return Map.of(PARTITION_KEY, s(jobId));
    }
}
