package dev.videolinks;

import dev.videolinks.store.Change;
import dev.videolinks.store.Lease;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * What happens when objects land or go: every record is looked at, its key recorded as the bucket holds it now
 * ({@link VideoRecorder}: a video in the job it names, with its facts and poster, or nothing), every image beside a
 * recorded video made its poster, and every job whose complete set of videos changed gets its webhook.
 */
final class VideoCompletion {

    /** What became of one object, and the log line that says so. */
    enum Outcome {
        RECORDED("video.recorded", false),
        DUPLICATE("video.duplicate", false),
        STALE("video.stale", false),
        REMOVED("video.removed", false),
        IGNORED("video.ignored", false),
        POSTER("video.poster", false),
        SKIPPED("video.skipped", true),
        OWNER_CONFLICT("video.owner_conflict", true),
        TOO_MANY_VIDEOS("job.too_many_videos", true);

        final String event;
        final boolean error;

        Outcome(String event, boolean error) {
            this.event = event;
            this.error = error;
        }
    }

    /** What became of one object. {@code owner} and {@code claimedOwner} only for an owner conflict. */
    record ObjectOutcome(String key, Outcome outcome, String jobId, String reason, String owner, String claimedOwner) {
        ObjectOutcome(String key, Outcome outcome, String jobId, String reason) {
            this(key, outcome, jobId, reason, null, null);
        }
    }

    /** What one invocation did: per object, then per job delivered or attempted. */
    record Report(List<ObjectOutcome> objects, List<JobDelivery.Result> deliveries, List<String> rejected) {

        List<JobDelivery.Result> undelivered() {
            return deliveries.stream().filter(JobDelivery.Result::needsRetry).toList();
        }
    }

    private final String bucket;
    private final VideoKeys keys;
    private final VideoRecorder recorder;
    private final JobDelivery delivery;

    VideoCompletion(String bucket, VideoKeys keys, VideoRecorder recorder, JobDelivery delivery) {
        this.bucket = bucket;
        this.keys = keys;
        this.recorder = recorder;
        this.delivery = delivery;
    }

    Report process(ObjectEvent.Batch batch, VideoRecorder.Invocation invocation, Log log) {
        batch.rejected().forEach(reason -> log.error("event.rejected", "reason", reason));
        var outcomes = new ArrayList<ObjectOutcome>();
        var touched = new LinkedHashMap<String, Job>();
        var leases = new HashMap<String, Lease>();
        var queued = new java.util.HashSet<String>();
        for (ObjectEvent event : batch.objects()) {
            ObjectOutcome outcome;
            if (!event.bucket().equals(bucket)) {
                outcome = skipped(event.key(), "bucket '" + event.bucket() + "' is not VIDEO_BUCKET");
            } else if (!keys.isCandidate(event.key())) {
                outcome = new ObjectOutcome(event.key(), Outcome.IGNORED, null, "outside the video prefix");
            } else {
                var recorded = recorder.record(event, invocation, log);
                outcome = recorded.outcome();
                if (recorded.change() != null) {
                    for (var job : recorded.change().jobsToDeliver()) {
                        touched.put(job.getKey().jobId(), job.getKey());
                        if (job.getValue() != null) {
                            leases.put(job.getKey().jobId(), job.getValue());
                        } else if (recorded.change().kind() != Change.Kind.DUPLICATE) {
                            // This write started the delivery of a new set, but another invocation holds the job's lease.
                            queued.add(job.getKey().jobId());
                        }
                    }
                    if (recorded.change().conflicts() > 0) {
                        log.info("table.transaction_conflicts", "key", event.key(), "conflicts", recorded.change().conflicts());
                    }
                }
            }
            outcomes.add(outcome);
            Object[] fields = {"job_id", outcome.jobId(), "key", outcome.key(), "reason", outcome.reason(),
                    "owner", outcome.owner(), "claimed_owner", outcome.claimedOwner()};
            if (outcome.outcome().error) {
                log.error(outcome.outcome().event, fields);
            } else {
                log.info(outcome.outcome().event, fields);
            }
        }

        var deliveries = new ArrayList<JobDelivery.Result>();
        for (Job job : touched.values()) {
            if (!job.isComplete()) {
                if (!job.videos().isEmpty()) {
                    log.info("job.waiting", "job_id", job.jobId(), "videos", job.videos().size(),
                            "expected", job.expectedVideos());
                }
                continue;
            }
            if (!leases.containsKey(job.jobId()) && queued.contains(job.jobId())) {
                log.info("webhook.queued", "job_id", job.jobId(), "webhook_id", job.webhookId(),
                        "reason", "an earlier set of the job's videos is being sent; this one follows it");
                deliveries.add(JobDelivery.Result.pending(job.jobId(), job.webhookId()));
                continue;
            }
            deliveries.add(delivery.deliver(job, leases.get(job.jobId()), invocation, log));
        }
        return new Report(outcomes, deliveries, batch.rejected());
    }

    /** An image created or removed under the prefix: the poster of the recorded videos beside it, if any. */
    static ObjectOutcome imageChanged(Posters posters, String key, boolean removed) {
        Posters.Attached attached = posters.imageChanged(key);
        if (attached.videos().isEmpty()) {
            return new ObjectOutcome(key, Outcome.IGNORED, null, removed
                    ? "removal of an image that was no recorded video's poster" : "not a video, nor beside a recorded video");
        }
        String now = !removed ? "" : attached.image() == null ? "; no image left" : "; now " + attached.image();
        return new ObjectOutcome(key, Outcome.POSTER, attached.jobId(), "poster of " + String.join(", ", attached.videos()) + now);
    }

    static ObjectOutcome skipped(String key, String reason) {
        return new ObjectOutcome(key, Outcome.SKIPPED, null, reason);
    }
}
