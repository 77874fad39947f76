package dev.videolinks.store;

import static dev.videolinks.store.Attributes.n;
import static dev.videolinks.store.Attributes.s;

import dev.videolinks.Delivery;
import dev.videolinks.Job;
import dev.videolinks.Video;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What one event changes, decided from the items as they were read: the key's item after it, the job the video
 * joins, the job the key leaves, and the delivery of each job whose set of videos changed, as the updates that
 * write them all at once ({@link VideoStore#follow} sends them, on condition that nothing changed since the read).
 * No DynamoDB call is made here.
 */
final class FollowPlan {

    /** The change to answer, and the writes that make it (none: nothing to write). */
    record Decision(Change change, List<ItemUpdate> writes) {}

    private final String table;
    private final Sender sender;

    FollowPlan(String table, Sender sender) {
        this.table = table;
        this.sender = sender;
    }

    /** The decision for the event, given the key's item and the jobs read ({@code jobs}: by id, those that exist). */
    Decision decide(KeyState state, KeyItem.State key, Map<String, Job> jobs) {
        if (isStale(key, state.sequencer())) {
            return new Decision(Change.of(Change.Kind.STALE, null), List.of());
        }
        Job holder = key.holder() == null ? null : jobs.get(key.holder());
        return switch (state.kind()) {
            case VIDEO -> planVideo(state, key, jobs.get(state.video().jobId()), holder);
            case GONE -> planGone(state, key, holder, true);
            case NOT_A_VIDEO -> planGone(state, key, holder, false);
        };
    }

    /** An older event than the last one followed for the key. Events without a sequencer are not ordered. */
    private static boolean isStale(KeyItem.State key, String sequencer) {
        return sequencer != null && key.sequencer() != null && key.sequencer().compareTo(sequencer) > 0;
    }

    private Decision planVideo(KeyState state, KeyItem.State key, Job job, Job holder) {
        Video video = state.video();
        String jobId = video.jobId();
        var listed = job == null ? Optional.<Video>empty() : job.video(video.key());
        boolean sameObject = listed.isPresent() && listed.get().version().equals(video.version())
                && jobId.equals(key.holder());
        if (sameObject) {
            // Followed already; a later event of the same object only moves the key's order on.
            var moved = new KeyItem.State(jobId, video.etag(), video.versionId(), state.sequencer(), false, 0);
            return new Decision(Change.of(Change.Kind.DUPLICATE, job),
                    later(key, state.sequencer()) ? List.of(KeyItem.write(table, video.key(), key, moved)) : List.of());
        }
        Change.Kind refusal = refusal(job, video, listed.isPresent());
        var writes = new ArrayList<ItemUpdate>();
        var leases = new HashMap<String, Lease>();
        if (refusal != null) {
            var refused = new KeyItem.State(null, video.etag(), video.versionId(), state.sequencer(), false, 0);
            if (key.says(null, video.etag(), video.versionId(), false) && !later(key, state.sequencer())) {
                return new Decision(Change.of(refusal, job), List.of());
            }
            writes.add(KeyItem.write(table, video.key(), key, refused));
            Job left = holder == null ? null : leave(holder, video.key(), writes, leases);
            return new Decision(new Change(refusal, job, left, leases, 0), writes);
        }
        writes.add(KeyItem.write(table, video.key(), key,
                new KeyItem.State(jobId, video.etag(), video.versionId(), state.sequencer(), false, 0)));
        Job joined = join(job, video, writes, leases);
        Job left = holder == null || holder.jobId().equals(jobId) ? null : leave(holder, video.key(), writes, leases);
        return new Decision(new Change(Change.Kind.RECORDED, joined, left, leases, 0), writes);
    }

    /** Why the video may not join the job as it stands, or null. */
    private static Change.Kind refusal(Job job, Video video, boolean replacing) {
        if (job == null) {
            return null;
        }
        if (job.owner() != null && video.userId() != null && !job.owner().equals(video.userId())) {
            return Change.Kind.OWNER_CONFLICT;
        }
        if (!replacing && job.videos().size() >= VideoStore.MAX_VIDEOS) {
            return Change.Kind.TOO_MANY_VIDEOS;
        }
        return null;
    }

    /** The key holds no object ({@code gone}) or no video of a job: its job, if any, lets it go. */
    private Decision planGone(KeyState state, KeyItem.State key, Job holder, boolean gone) {
        if (!key.exists() && !gone) {
            return new Decision(Change.of(Change.Kind.NOTHING, null), List.of());
        }
        if (key.says(null, null, null, gone) && !later(key, state.sequencer())) {
            return new Decision(Change.of(Change.Kind.NOTHING, null), List.of());
        }
        var writes = new ArrayList<ItemUpdate>();
        var leases = new HashMap<String, Lease>();
        writes.add(KeyItem.write(table, state.key(), key, new KeyItem.State(null, null, null, state.sequencer(), gone, 0)));
        Job left = holder == null ? null : leave(holder, state.key(), writes, leases);
        boolean removed = left != null && holder.video(state.key()).isPresent();
        return new Decision(new Change(removed ? Change.Kind.REMOVED : Change.Kind.NOTHING, null, left, leases, 0), writes);
    }

    private static boolean later(KeyItem.State key, String sequencer) {
        return sequencer != null && (key.sequencer() == null || sequencer.compareTo(key.sequencer()) > 0);
    }

    /** Adds the video to its job (created with it when new): the job after, with its delivery. */
    private Job join(Job before, Video video, List<ItemUpdate> writes, Map<String, Lease> leases) {
        AttributeValue entry = VideoEntry.of(video);
        var update = new ItemUpdate(table, JobItem.key(video.jobId()));
        String owner = before == null || before.owner() == null ? video.userId() : before.owner();
        var videos = new ArrayList<Video>();
        if (before == null) {
            update.set("# = ?", JobItem.BUCKET, s(video.bucket())).set("# = ?", JobItem.VIDEOS,
                    AttributeValue.fromM(Map.of(video.key(), entry))).when("attribute_not_exists(#)", JobItem.PARTITION_KEY);
        } else {
            before.videos().stream().filter(v -> !v.key().equals(video.key())).forEach(videos::add);
            update.set("#.# = ?", JobItem.VIDEOS, video.key(), entry).when("# = ?", JobItem.REVISION, n(before.revision()));
            DeliveryItem.whenLeaseTokenIs(update, DeliveryItem.leaseToken(before));
        }
        if (owner != null && (before == null || before.owner() == null)) {
            update.set("# = ?", JobItem.OWNER, s(owner));
        }
        videos.add(VideoEntry.toVideo(video.jobId(), owner, video.bucket(), video.key(), entry.m()));
        long revision = before == null ? 1 : before.revision() + 1;
        update.set("# = ?", JobItem.REVISION, n(revision));
        var after = new Job(video.jobId(), owner, revision, videos, Optional.empty());
        return deliveryOf(before, after, update, writes, leases);
    }

    /** Takes the key out of the job that listed it: the job after, with its delivery. */
    private Job leave(Job before, String objectKey, List<ItemUpdate> writes, Map<String, Lease> leases) {
        if (before.video(objectKey).isEmpty()) {
            return null;
        }
        var update = new ItemUpdate(table, JobItem.key(before.jobId())).remove("#.#", JobItem.VIDEOS, objectKey)
                .set("# = ?", JobItem.REVISION, n(before.revision() + 1))
                .when("# = ?", JobItem.REVISION, n(before.revision()));
        DeliveryItem.whenLeaseTokenIs(update, DeliveryItem.leaseToken(before));
        var after = new Job(before.jobId(), before.owner(), before.revision() + 1,
                before.videos().stream().filter(v -> !v.key().equals(objectKey)).toList(), Optional.empty());
        return deliveryOf(before, after, update, writes, leases);
    }

    /**
     * The delivery of a job whose set of videos just changed, written by the same update: a complete set is a new
     * webhook, pending, its lease taken now unless another invocation holds the job's lease (then it is due when
     * that lease ends); an incomplete one supersedes a webhook still waiting to be delivered.
     */
    private Job deliveryOf(Job before, Job after, ItemUpdate update, List<ItemUpdate> writes, Map<String, Lease> leases) {
        writes.add(update);
        Delivery previous = before == null ? null : before.delivery().orElse(null);
        Instant now = sender.now();
        if (after.isComplete()) {
            String webhookId = after.webhookId();
            update.set("# = ?", DeliveryItem.WEBHOOK_ID, s(webhookId))
                    .set("# = ?", DeliveryItem.STATE, s(Delivery.State.PENDING.name()))
                    .set("# = ?", DeliveryItem.ATTEMPTS, n(0))
                    .set("# = ?", DeliveryItem.FIRST_ATTEMPT_AT, n(now.getEpochSecond()))
                    .set("# = ?", DeliveryItem.UPDATED_AT, s(now.toString()))
                    .set("# = ?", DeliveryItem.DUE, s(DeliveryItem.DUE))
                    .remove("#, #, #", DeliveryItem.LAST_STATUS, DeliveryItem.LAST_ERROR, DeliveryItem.DELIVERED_AT);
            long token = previous == null ? 0 : previous.leaseToken();
            Instant leaseUntil;
            String holder;
            Instant next;
            if (previous == null || !previous.isLeased(now) || sender.holder().equals(previous.leaseHolder())) {
                Lease lease = DeliveryItem.takeLease(update, token, sender);
                leases.put(after.jobId(), lease);
                token = lease.token();
                leaseUntil = lease.until();
                holder = sender.holder();
                next = lease.until();
            } else {
                // Another invocation is sending an older set: this one is due when its lease ends.
                update.set("# = ?", DeliveryItem.NEXT_ATTEMPT_AT, n(previous.leaseUntil().getEpochSecond()));
                leaseUntil = previous.leaseUntil();
                holder = previous.leaseHolder();
                next = previous.leaseUntil();
            }
            return withDelivery(after, new Delivery(after.jobId(), webhookId, Delivery.State.PENDING, 0, null, null,
                    Instant.ofEpochSecond(now.getEpochSecond()), next, leaseUntil, token, holder, now));
        }
        if (previous != null && !previous.isSettled()) {
            update.set("# = ?", DeliveryItem.STATE, s(Delivery.State.SUPERSEDED.name()))
                    .set("# = ?", DeliveryItem.UPDATED_AT, s(now.toString()))
                    .remove("#, #", DeliveryItem.DUE, DeliveryItem.NEXT_ATTEMPT_AT);
            return withDelivery(after, new Delivery(after.jobId(), previous.webhookId(), Delivery.State.SUPERSEDED,
                    previous.attempts(), previous.lastStatus(), previous.lastError(), previous.firstAttemptAt(), null,
                    previous.leaseUntil(), previous.leaseToken(), previous.leaseHolder(), now));
        }
        return withDelivery(after, previous);
    }

    private static Job withDelivery(Job job, Delivery delivery) {
        return new Job(job.jobId(), job.owner(), job.revision(), job.videos(), Optional.ofNullable(delivery));
    }
}
