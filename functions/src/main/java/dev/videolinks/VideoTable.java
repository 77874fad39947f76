package dev.videolinks;

import static dev.videolinks.Attributes.n;
import static dev.videolinks.Attributes.s;

import java.time.Instant;
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
 * A job's videos in the DynamoDB table: one item per job ({@code job_id}) with its owner, its videos (a map by
 * key), a revision and, beside them, its delivery ({@link DeliveryLedger}). One item per job makes recording a
 * video one conditional write that answers the whole job, and lets the URL API read 100 jobs in one call.
 *
 * <p>The item cannot outgrow DynamoDB's 400 KB for any input SPEC allows: a job holds at most
 * {@value #MAX_VIDEOS} videos, each entry at most {@value #MAX_ENTRY_BYTES} bytes (a 1,024-byte key and 2 KB of
 * metadata fit), and a removed video leaves the map.
 */
final class VideoTable {

    static final String PARTITION_KEY = "job_id";
    /** BatchGetItem's limit. */
    static final int MAX_BATCH = 100;
    static final int MAX_VIDEOS = VideoKeys.MAX_VIDEO_COUNT;
    /** The largest video entry, its key included: 100 of them and the job's own attributes stay under 400 KB. */
    static final int MAX_ENTRY_BYTES = 3_900;
    private static final int MAX_UNPROCESSED_ROUNDS = 5;
    /** Conditional writes that lost a race are decided again on what the table answered, this many times. */
    private static final int MAX_ROUNDS = 4;

    /** What recording a video did. */
    enum Change { RECORDED, DUPLICATE, STALE, OWNER_CONFLICT, TOO_MANY_VIDEOS }

    /** What giving a recorded video a poster did. */
    enum PosterChange { SET, NAMED_BY_METADATA, NOT_RECORDED }

    /** The {@code pst} of a video whose poster is the key its metadata {@code poster-key} names. */
    static final String POSTER_FROM_METADATA = Posters.POSTER_KEY;

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
        AttributeValue entry = entry(video);
        if (entrySize(video.key(), entry) > MAX_ENTRY_BYTES) {
            throw new IllegalArgumentException("the entry of " + video.key() + " is larger than " + MAX_ENTRY_BYTES + " bytes");
        }
        var item = new HashMap<String, AttributeValue>();
        item.put(PARTITION_KEY, s(video.jobId()));
        item.put("bucket", s(video.bucket()));
        item.put("revision", n(1));
        item.put("videos", AttributeValue.fromM(Map.of(video.key(), entry)));
        if (video.userId() != null) {
            item.put("owner", s(video.userId()));
        }
        DeliveryLedger.Lease lease = first != null && video.videoCount() == 1
                ? DeliveryLedger.startWith(item, first) : null;
        Job current;
        try {
            dynamoDb.putItem(put -> put.tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(job_id)")
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return new Recorded(Change.RECORDED, toJob(item), lease);
        } catch (ConditionalCheckFailedException exists) {
            current = toJob(exists.item());
        }
        for (int round = 0; round < MAX_ROUNDS; round++) {
            Change refused = refusal(current, video);
            if (refused != null) {
                return new Recorded(refused, current, null);
            }
            try {
                return new Recorded(Change.RECORDED, add(video, entry, current.video(video.key())), null);
            } catch (ConditionalCheckFailedException changed) {
                current = toJob(changed.item());
            }
        }
        throw new IllegalStateException("job " + video.jobId() + " kept changing while " + video.key() + " was recorded");
    }

    /** Why the video may not join the job as it stands, or null. */
    private static Change refusal(Job job, Video video) {
        if (job.owner() != null && video.userId() != null && !job.owner().equals(video.userId())) {
            return Change.OWNER_CONFLICT;
        }
        Optional<Video> existing = job.video(video.key());
        if (existing.isPresent() && existing.get().version().equals(video.version())) {
            return Change.DUPLICATE;
        }
        if (existing.isPresent() && isNewer(existing.get().sequencer(), video.sequencer())) {
            return Change.STALE;
        }
        if (existing.isEmpty() && job.videos().size() >= MAX_VIDEOS) {
            return Change.TOO_MANY_VIDEOS;
        }
        return null;
    }

    /** Adds or replaces the entry, on condition that what {@link #refusal} decided on still holds. */
    private Job add(Video video, AttributeValue entry, Optional<Video> replacing) {
        var names = new HashMap<>(Map.of("#key", video.key(), "#rev", "revision"));
        var values = new HashMap<>(Map.of(":video", entry, ":one", n(1)));
        String update = "SET videos.#key = :video";
        var conditions = new java.util.ArrayList<String>();
        if (video.userId() != null) {
            names.put("#owner", "owner");
            values.put(":owner", s(video.userId()));
            update += ", #owner = if_not_exists(#owner, :owner)";
            conditions.add("(attribute_not_exists(#owner) OR #owner = :owner)");
        }
        if (replacing.isEmpty()) {
            values.put(":max", n(MAX_VIDEOS));
            conditions.add("attribute_not_exists(videos.#key) AND size(videos) < :max");
        } else {
            conditions.add(isVersion(replacing.get().etag(), replacing.get().versionId(), names, values));
        }
        String expression = update + " ADD #rev :one";
        var updated = dynamoDb.updateItem(u -> u.tableName(table).key(key(video.jobId()))
                .updateExpression(expression)
                .conditionExpression(String.join(" AND ", conditions))
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .returnValues(ReturnValue.ALL_NEW)
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
        return toJob(updated.attributes());
    }

    /**
     * Removes a video from its job: only the version {@code eTag}/{@code versionId} when an ETag is given, and
     * only when the recorded version is older than the removal's {@code sequencer} when one is given. Answers the
     * job after the change, or empty when there was nothing (or no longer anything) to remove.
     */
    Optional<Job> removeVideo(String jobId, String key, String eTag, String versionId, String sequencer) {
        var names = new HashMap<>(Map.of("#key", key, "#rev", "revision"));
        var values = new HashMap<>(Map.of(":one", n(1)));
        String condition = "attribute_exists(videos.#key)";
        if (eTag != null) {
            condition += " AND " + isVersion(eTag, versionId, names, values);
        }
        if (sequencer != null) {
            names.put("#seq", "seq");
            values.put(":seq", s(sequencer));
            condition += " AND (attribute_not_exists(videos.#key.#seq) OR videos.#key.#seq < :seq)";
        }
        String finalCondition = condition;
        try {
            var updated = dynamoDb.updateItem(u -> u.tableName(table).key(key(jobId))
                    .updateExpression("REMOVE videos.#key ADD #rev :one")
                    .conditionExpression(finalCondition)
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values)
                    .returnValues(ReturnValue.ALL_NEW));
            return Optional.of(toJob(updated.attributes()));
        } catch (ConditionalCheckFailedException nothingToRemove) {
            return Optional.empty();
        }
    }

    /**
     * Sets the poster of a recorded version to the image beside it with this extension, or removes it (null), unless
     * the video's metadata names its poster. Not a change of the job's videos: the revision stays, no webhook.
     */
    PosterChange setPoster(String jobId, String key, String etag, String versionId, String extension) {
        if (etag == null) {
            return PosterChange.NOT_RECORDED;
        }
        var names = new HashMap<>(Map.of("#key", key, "#pst", "pst"));
        var values = new HashMap<>(Map.of(":named", s(POSTER_FROM_METADATA)));
        String condition = isVersion(etag, versionId, names, values)
                + " AND (attribute_not_exists(videos.#key.#pst) OR videos.#key.#pst <> :named)";
        String update = "REMOVE videos.#key.#pst";
        if (extension != null) {
            values.put(":ext", s(extension));
            update = "SET videos.#key.#pst = :ext";
        }
        String expression = update;
        try {
            dynamoDb.updateItem(u -> u.tableName(table).key(key(jobId))
                    .updateExpression(expression)
                    .conditionExpression(condition)
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values)
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return PosterChange.SET;
        } catch (ConditionalCheckFailedException refused) {
            Map<String, AttributeValue> old = refused.hasItem() ? refused.item() : Map.of();
            AttributeValue entry = old.containsKey("videos") ? old.get("videos").m().get(key) : null;
            boolean sameVersion = entry != null && etag.equals(Attributes.text(entry.m(), "etag"))
                    && java.util.Objects.equals(versionId, Attributes.text(entry.m(), "vid"));
            return sameVersion && POSTER_FROM_METADATA.equals(Attributes.text(entry.m(), "pst"))
                    ? PosterChange.NAMED_BY_METADATA : PosterChange.NOT_RECORDED;
        }
    }

    /** A condition that the entry of the key {@code #key} is still that version. */
    private static String isVersion(String eTag, String versionId, Map<String, String> names,
            Map<String, AttributeValue> values) {
        names.put("#etag", "etag");
        names.put("#vid", "vid");
        values.put(":etag", s(eTag));
        if (versionId == null) {
            return "videos.#key.#etag = :etag AND attribute_not_exists(videos.#key.#vid)";
        }
        values.put(":vid", s(versionId));
        return "videos.#key.#etag = :etag AND videos.#key.#vid = :vid";
    }

    /** True when {@code recorded} is a later sequencer than {@code incoming} (both in comparable form). */
    static boolean isNewer(String recorded, String incoming) {
        return recorded != null && incoming != null && recorded.compareTo(incoming) > 0;
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

    static Map<String, AttributeValue> key(String jobId) {
        return Map.of(PARTITION_KEY, s(jobId));
    }

    /** Whether the video's entry is within {@value #MAX_ENTRY_BYTES} bytes, so the job's item stays within 400 KB. */
    static boolean fits(Video video) {
        return entrySize(video.key(), entry(video)) <= MAX_ENTRY_BYTES;
    }

    /** What an entry adds to the item: its key as the map element's name, its value, one byte of overhead. */
    static int entrySize(String key, AttributeValue entry) {
        return 1 + key.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + Attributes.size(entry);
    }

    /**
     * A video's entry in the job's map, under its key: short names, since 100 of them share 400 KB. Its facts take
     * at most {@value #MAX_FACTS_BYTES} bytes more (numbers, a short codec name, two booleans) and its poster only
     * an extension, or a word saying that the metadata names it: never a second key.
     */
    static AttributeValue entry(Video video) {
        var entry = new HashMap<String, AttributeValue>();
        entry.put("etag", s(video.etag()));
        entry.put("size", n(video.size()));
        entry.put("type", s(video.contentType()));
        entry.put("count", n(video.videoCount()));
        entry.put("at", n(video.recordedAt().getEpochSecond()));
        entry.put("meta", AttributeValue.fromM(video.metadata().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> s(e.getValue())))));
        if (video.versionId() != null) {
            entry.put("vid", s(video.versionId()));
        }
        if (video.sequencer() != null) {
            entry.put("seq", s(video.sequencer()));
        }
        VideoFacts facts = video.facts();
        putNumber(entry, "dur", facts.durationMillis());
        putNumber(entry, "w", facts.width());
        putNumber(entry, "h", facts.height());
        if (facts.videoCodec() != null) {
            entry.put("vc", s(facts.videoCodec()));
        }
        if (facts.hasAudio() != null) {
            entry.put("au", AttributeValue.fromBool(facts.hasAudio()));
        }
        if (facts.faststart() != null) {
            entry.put("fs", AttributeValue.fromBool(facts.faststart()));
        }
        if (video.posterKey() != null) {
            entry.put("pst", s(poster(video)));
        }
        return AttributeValue.fromM(entry);
    }

    /** What the facts and the poster add to an entry at most: a 12-digit duration, 5-digit sides, a 32-character codec, "poster-key". */
    static final int MAX_FACTS_BYTES = (4 + 7) + 2 * (2 + 4) + (3 + VideoFacts.MAX_CODEC_LENGTH) + 2 * (3 + 1)
            + (4 + POSTER_FROM_METADATA.length());

    private static void putNumber(Map<String, AttributeValue> entry, String name, Number value) {
        if (value != null) {
            entry.put(name, n(value.longValue()));
        }
    }

    /** The poster as stored: the word for "the metadata names it", or the extension of the image beside the video. */
    private static String poster(Video video) {
        if (video.posterKey().equals(video.metadata().get(Posters.POSTER_KEY))) {
            return POSTER_FROM_METADATA;
        }
        String extension = Posters.extension(video.posterKey());
        if (extension == null || !video.posterKey().equals(Posters.baseName(video.key()) + "." + extension)) {
            throw new IllegalArgumentException("the poster of " + video.key() + " is neither named by its metadata nor beside it");
        }
        return extension;
    }

    private static String posterKey(String key, Map<String, String> metadata, String stored) {
        if (stored == null) {
            return null;
        }
        return stored.equals(POSTER_FROM_METADATA) ? metadata.get(Posters.POSTER_KEY) : Posters.baseName(key) + "." + stored;
    }

    static Job toJob(Map<String, AttributeValue> item) {
        String jobId = item.get(PARTITION_KEY).s();
        String owner = Attributes.text(item, "owner");
        String bucket = Attributes.text(item, "bucket");
        var videos = item.getOrDefault("videos", AttributeValue.fromM(Map.of())).m().entrySet().stream()
                .map(e -> toVideo(jobId, owner, bucket, e.getKey(), e.getValue().m()))
                .toList();
        return new Job(jobId, owner, Attributes.number(item, "revision", 0), videos, DeliveryLedger.delivery(item));
    }

    private static Video toVideo(String jobId, String owner, String bucket, String key, Map<String, AttributeValue> entry) {
        Map<String, String> metadata = entry.get("meta").m().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().s()));
        Long width = optionalNumber(entry, "w");
        Long height = optionalNumber(entry, "h");
        var facts = new VideoFacts(optionalNumber(entry, "dur"), width == null ? null : width.intValue(),
                height == null ? null : height.intValue(), Attributes.text(entry, "vc"), bool(entry, "au"), bool(entry, "fs"));
        return new Video(
                jobId,
                owner,
                (int) Attributes.number(entry, "count", 1),
                bucket,
                key,
                entry.get("etag").s(),
                Attributes.text(entry, "vid"),
                Attributes.number(entry, "size", 0),
                entry.get("type").s(),
                metadata,
                Attributes.text(entry, "seq"),
                Attributes.epoch(entry, "at"),
                facts,
                posterKey(key, metadata, Attributes.text(entry, "pst")));
    }

    private static Long optionalNumber(Map<String, AttributeValue> entry, String name) {
        AttributeValue value = entry.get(name);
        return value == null || value.n() == null ? null : Long.parseLong(value.n());
    }

    private static Boolean bool(Map<String, AttributeValue> entry, String name) {
        AttributeValue value = entry.get(name);
        return value == null ? null : value.bool();
    }
}
