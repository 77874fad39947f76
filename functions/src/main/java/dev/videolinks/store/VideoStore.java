package dev.videolinks.store;

import dev.videolinks.Job;
import dev.videolinks.Video;
import dev.videolinks.VideoVersion;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The table's videos: which job lists each key, and each job's videos, owner and revision, beside the delivery of
 * its webhook. The table follows the bucket: each S3 event is followed by reading the key's item and the jobs it
 * touches, deciding, and writing everything the event changes in one conditional write (one DynamoDB transaction
 * when it touches more than one item): the key's item, the job it leaves, the job it joins, and their deliveries.
 *
 * <pre>{@code
 * Change change = store.follow(KeyState.video(video), sender);   // or KeyState.gone(key, sequencer)
 * change.jobsToDeliver().forEach(...);
 * }</pre>
 *
 * <ul>
 *   <li>Any order: the key's item keeps the sequencer of the last event followed; an older event changes nothing,
 *       and a deletion leaves a tombstone, so that a create that comes late stays out.
 *   <li>Repeats and lost answers: a condition that fails is a question, answered by reading the items again and
 *       deciding anew, so a retried write that was applied finds its own state and writes nothing; a transaction
 *       carries a request token derived from the event and what it writes, which DynamoDB honours for ten minutes.
 *   <li>Concurrent writers: a write holds on the revisions it read; a transaction cancelled by another one on the
 *       same item is tried again, a bounded number of times.
 * </ul>
 */
public final class VideoStore {

    /** The most videos a job holds: 100 entries of at most {@value #MAX_ENTRY_BYTES} bytes keep its item under 400 KB. */
    public static final int MAX_VIDEOS = 100;
    /** The largest video entry, its key included: a 1,024-byte key, 2 KB of metadata and every fact fit. */
    public static final int MAX_ENTRY_BYTES = 4_000;
    /** BatchGetItem's limit. */
    public static final int MAX_BATCH = 100;
    private static final int MAX_UNPROCESSED_ROUNDS = 5;
    /** Reads and decisions again after a write whose condition no longer held. */
    private static final int MAX_ROUNDS = 8;

    private final DynamoDbClient dynamoDb;
    private final String table;

    public VideoStore(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = dynamoDb;
        this.table = table;
    }

    /** What the facts and the poster add to a video's entry at most. */
    public static final int MAX_FACTS_BYTES = VideoEntry.MAX_FACTS_BYTES;

    /** Whether the video's entry is within {@value #MAX_ENTRY_BYTES} bytes, so the job's item stays within 400 KB. */
    public static boolean fits(Video video) {
        return VideoEntry.fits(video);
    }

    /** What the video takes of its job's item, as DynamoDB counts it against the 400 KB. */
    public static int entryBytes(Video video) {
        return VideoEntry.size(video.key(), VideoEntry.of(video));
    }

    /**
     * Makes the table say what the key holds now, unless a later event of the key was followed already: the key's
     * item, the job the video joins (its owner fixed if it had none), the job the key leaves, and for each job
     * whose set of videos changed, a new delivery (a new webhook id), or the end of the one that can no longer be
     * sent. A video whose job belongs to another user, or is full, is recorded nowhere, and its job is not
     * touched; the job that listed the key before lets it go, since its object is no longer in the bucket.
     */
    public Change follow(KeyState state, Sender sender) {
        int conflicts = 0;
        for (int round = 0; round < MAX_ROUNDS; round++) {
            var plan = plan(state, sender);
            if (plan.writes().isEmpty()) {
                return withConflicts(plan.change(), conflicts);
            }
            try {
                write(plan, state, sender);
                return withConflicts(plan.change(), conflicts);
            } catch (ConditionalCheckFailedException changed) {
                // Read again and decide anew: someone else wrote, or this very write was applied and its answer lost.
            } catch (TransactionCanceledException cancelled) {
                boolean conflict = cancelled.cancellationReasons().stream()
                        .anyMatch(reason -> "TransactionConflict".equals(reason.code()));
                boolean changed = cancelled.cancellationReasons().stream()
                        .anyMatch(reason -> "ConditionalCheckFailed".equals(reason.code()));
                if (!conflict && !changed) {
                    throw cancelled;
                }
                if (conflict) {
                    conflicts++;
                    pause(round);
                }
            }
        }
        throw new IllegalStateException("the items of key " + state.key() + " kept changing while it was recorded ("
                + conflicts + " transaction conflicts)");
    }

    /** The job as the table has it now (a strongly consistent read). */
    public Optional<Job> job(String jobId) {
        var item = dynamoDb.getItem(get -> get.tableName(table).consistentRead(true).key(JobItem.key(jobId))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(JobItem.toJob(item));
    }

    /** Up to {@value #MAX_BATCH} jobs in one round trip (plus a few for keys DynamoDB leaves unprocessed). */
    public Map<String, Job> jobs(Collection<String> jobIds) {
        if (jobIds.size() > MAX_BATCH) {
            throw new IllegalArgumentException("at most " + MAX_BATCH + " jobs per batch");
        }
        var found = new LinkedHashMap<String, Job>();
        readItems(jobIds.stream().map(JobItem::key).toList(), false).forEach(item -> {
            Job job = JobItem.toJob(item);
            found.put(job.jobId(), job);
        });
        return found;
    }

    /** The job that lists the key now and the version it lists, if any. */
    public Optional<VideoVersion> holding(String key) {
        var item = dynamoDb.getItem(get -> get.tableName(table).consistentRead(true).key(KeyItem.key(key))).item();
        var read = KeyItem.read(item);
        return read.holder() == null ? Optional.empty()
                : Optional.of(new VideoVersion(read.holder(), key, read.etag(), read.versionId()));
    }

    // Reading, deciding, writing.

    /** Reads the key's item and the jobs the event touches, and decides what to write. */
    private FollowPlan.Decision plan(KeyState state, Sender sender) {
        String videoJob = state.video() == null ? null : state.video().jobId();
        var keys = new ArrayList<Map<String, AttributeValue>>();
        keys.add(KeyItem.key(state.key()));
        if (videoJob != null) {
            keys.add(JobItem.key(videoJob));
        }
        KeyItem.State key = KeyItem.State.NONE;
        var jobs = new HashMap<String, Job>();
        for (var item : readItems(keys, true)) {
            if (JobItem.isJob(item)) {
                Job job = JobItem.toJob(item);
                jobs.put(job.jobId(), job);
            } else {
                key = KeyItem.read(item);
            }
        }
        if (key.holder() != null && !jobs.containsKey(key.holder())) {
            job(key.holder()).ifPresent(job -> jobs.put(job.jobId(), job));
        }
        return new FollowPlan(table, sender).decide(state, key, jobs);
    }

    /**
     * One item: a conditional update. More: one transaction, with a request token derived from the event (the key,
     * its sequencer, what the key holds), the invocation and what it writes: the SDK's retry of a transaction that
     * was applied but whose answer was lost then succeeds without applying it twice (DynamoDB keeps a token for ten
     * minutes after a transaction that succeeded; one that was cancelled runs again).
     */
    private void write(FollowPlan.Decision plan, KeyState state, Sender sender) {
        if (plan.writes().size() == 1) {
            dynamoDb.updateItem(plan.writes().getFirst().request(ReturnValue.NONE));
            return;
        }
        var token = new StringBuilder(table).append('\n').append(state.key()).append('\n').append(state.sequencer())
                .append('\n').append(state.kind()).append('\n').append(sender.holder());
        plan.writes().forEach(update -> token.append('\n').append(update.describe()));
        dynamoDb.transactWriteItems(t -> t.transactItems(plan.writes().stream().map(ItemUpdate::transactItem).toList())
                .clientRequestToken(digest(token.toString())));
    }

    /** Items by key, in one batch (plus a few rounds for keys DynamoDB leaves unprocessed). */
    private List<Map<String, AttributeValue>> readItems(List<Map<String, AttributeValue>> keys, boolean consistent) {
        var items = new ArrayList<Map<String, AttributeValue>>();
        if (keys.isEmpty()) {
            return items;
        }
        if (keys.size() == 1) {
            var item = dynamoDb.getItem(get -> get.tableName(table).consistentRead(consistent).key(keys.getFirst()))
                    .item();
            if (item != null && !item.isEmpty()) {
                items.add(item);
            }
            return items;
        }
        Map<String, KeysAndAttributes> request = Map.of(table, KeysAndAttributes.builder().keys(keys)
                .consistentRead(consistent).build());
        for (int round = 0; !request.isEmpty(); round++) {
            if (round == MAX_UNPROCESSED_ROUNDS) {
                throw new IllegalStateException("DynamoDB left keys unprocessed after " + round + " rounds");
            }
            Map<String, KeysAndAttributes> next = request;
            var response = dynamoDb.batchGetItem(batch -> batch.requestItems(next));
            items.addAll(response.responses().getOrDefault(table, List.of()));
            request = response.unprocessedKeys();
        }
        return items;
    }

    private static Change withConflicts(Change change, int conflicts) {
        return conflicts == 0 ? change : new Change(change.kind(), change.job(), change.left(), change.leases(), conflicts);
    }

    /** A short wait before a transaction that another one cancelled is tried again: 10 ms, 20 ms, 40 ms... */
    private static void pause(int round) {
        try {
            Thread.sleep(10L << Math.min(round, 5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted between transaction attempts", e);
        }
    }

    /** A ClientRequestToken (at most 36 characters) that only this very write produces. */
    private static String digest(String text) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
