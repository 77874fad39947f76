package dev.videolinks;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * What happens when objects land or go: every record is looked at, every video recorded once in the job it
 * names (with its facts and poster), every removal applied to the job that holds the key, every image beside a
 * recorded video made its poster, and every job that has all its videos gets its webhook.
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

    private static final List<String> CONTROL_METADATA = List.of("job-id", "user-id", "video-count");
    static final String FASTSTART_FIX = "ffmpeg -i in.mp4 -c copy -movflags +faststart out.mp4";
    private static final String DOT_SEGMENT = "a '.' or '..' path segment: browsers resolve it before sending, so no"
            + " signed URL for this key can play; rename the object";

    private final String bucket;
    private final VideoKeys keys;
    private final S3Client s3;
    private final VideoTable table;
    private final KeyIndex keyIndex;
    private final JobDelivery delivery;
    private final VideoFactsReader factsReader;
    private final Posters posters;
    private final Clock clock;

    VideoCompletion(String bucket, VideoKeys keys, S3Client s3, VideoTable table, KeyIndex keyIndex, JobDelivery delivery,
            VideoFactsReader factsReader, Posters posters, Clock clock) {
        this.bucket = bucket;
        this.keys = keys;
        this.s3 = s3;
        this.table = table;
        this.keyIndex = keyIndex;
        this.delivery = delivery;
        this.factsReader = factsReader;
        this.posters = posters;
        this.clock = clock;
    }

    Report process(ObjectEvent.Batch batch, Instant deadline, Log log) {
        batch.rejected().forEach(reason -> log.error("event.rejected", "reason", reason));
        var outcomes = new ArrayList<ObjectOutcome>();
        var recordedJobs = new LinkedHashMap<String, Job>();
        var leases = new HashMap<String, DeliveryLedger.Lease>();
        for (ObjectEvent event : batch.objects()) {
            ObjectOutcome outcome;
            if (!event.bucket().equals(bucket)) {
                outcome = skipped(event.key(), "bucket '" + event.bucket() + "' is not VIDEO_BUCKET");
            } else if (!keys.isCandidate(event.key())) {
                outcome = new ObjectOutcome(event.key(), Outcome.IGNORED, null, "outside the video prefix");
            } else if (event.kind().isRemoval()) {
                outcome = remove(event);
            } else {
                var recorded = record(event, deadline, log);
                outcome = recorded.outcome();
                recorded.job().ifPresent(job -> recordedJobs.put(job.jobId(), job));
                if (recorded.lease() != null) {
                    leases.put(outcome.jobId(), recorded.lease());
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
        for (Job job : recordedJobs.values()) {
            if (!job.isComplete()) {
                log.info("job.waiting", "job_id", job.jobId(), "videos", job.videos().size(),
                        "expected", job.expectedVideos());
                continue;
            }
            deliveries.add(delivery.deliver(job, leases.get(job.jobId()), deadline, log));
        }
        return new Report(outcomes, deliveries, batch.rejected());
    }

    /** An object's outcome; the job to deliver when it was recorded (or already was); the lease its write took. */
    private record Recorded(ObjectOutcome outcome, Optional<Job> job, DeliveryLedger.Lease lease) {
        static Recorded only(ObjectOutcome outcome) {
            return new Recorded(outcome, Optional.empty(), null);
        }
    }

    private Recorded record(ObjectEvent event, Instant deadline, Log log) {
        String key = event.key();
        if (keys.hasVideoExtension(key) && VideoKeys.hasDotSegment(key)) {
            return Recorded.only(skipped(key, DOT_SEGMENT));
        }
        HeadObjectResponse head;
        try {
            head = s3.headObject(h -> h.bucket(bucket).key(key).versionId(event.versionId()));
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Recorded.only(skipped(key, "object is gone"));
            }
            if (e.statusCode() == 400) {
                // A key S3 refuses (a NUL, more than 1024 bytes) stays refused: retrying cannot help.
                return Recorded.only(skipped(key, "key is not valid for S3 (HeadObject answered 400)"));
            }
            throw e;
        }
        if (!keys.isVideo(key, head.contentType())) {
            return Recorded.only(Posters.isImage(key) ? imageChanged(key, false)
                    : new ObjectOutcome(key, Outcome.IGNORED, null, "not a video"));
        }
        if (VideoKeys.hasDotSegment(key)) {
            return Recorded.only(skipped(key, DOT_SEGMENT));
        }
        var located = keys.locate(key, head.metadata());
        if (located.isRejected()) {
            return Recorded.only(skipped(key, located.rejection()));
        }
        Video video = video(event, head, located);
        if (!VideoEntry.fits(video)) {
            return Recorded.only(new ObjectOutcome(key, Outcome.SKIPPED, video.jobId(),
                    "key, metadata and type together exceed the " + VideoEntry.MAX_ENTRY_BYTES + " bytes a video may take"));
        }
        var claim = keyIndex.claim(video);
        if (claim.stale()) {
            return Recorded.only(new ObjectOutcome(key, Outcome.STALE, video.jobId(), "a later version of the key was seen"));
        }
        if (claim.leftJob() != null && !claim.leftJob().equals(video.jobId())) {
            boolean removed = table.removeVideo(claim.leftJob(), key, claim.leftETag(), claim.leftVersionId(), null).isPresent();
            if (removed) {
                log.info("video.moved", "key", key, "from_job", claim.leftJob(), "job_id", video.jobId());
            }
            keyIndex.moved(key, claim.leftJob());
        }
        // After the claim: an image that lands from now on finds the video claimed and waits for its entry.
        var facts = factsReader.read(video);
        video = described(video, facts.facts(), posters.posterOf(video, log), log);
        // A video that completes a new job by itself starts the delivery in the same write.
        var first = video.videoCount() == 1 ? new VideoTable.FirstDelivery(
                JobDelivery.webhookId(video.jobId(), List.of(video)), clock.instant(), JobDelivery.leaseUntil(deadline)) : null;
        var recorded = table.recordVideo(video, first);
        if (recorded.change() == VideoTable.Change.RECORDED) {
            warnAbout(video, facts, log);
        }
        return switch (recorded.change()) {
            case RECORDED -> new Recorded(new ObjectOutcome(key, Outcome.RECORDED, video.jobId(), null),
                    Optional.of(recorded.job()), recorded.lease());
            case DUPLICATE -> new Recorded(new ObjectOutcome(key, Outcome.DUPLICATE, video.jobId(), null),
                    Optional.of(recorded.job()), null);
            case STALE -> Recorded.only(new ObjectOutcome(key, Outcome.STALE, video.jobId(), "a later version is recorded"));
            case OWNER_CONFLICT -> Recorded.only(new ObjectOutcome(key, Outcome.OWNER_CONFLICT, video.jobId(),
                    "the job belongs to another user", recorded.job().owner(), video.userId()));
            case TOO_MANY_VIDEOS -> Recorded.only(new ObjectOutcome(key, Outcome.TOO_MANY_VIDEOS, video.jobId(),
                    "the job holds " + VideoTable.MAX_VIDEOS + " videos already"));
        };
    }

    /**
     * The video with its facts and poster. An entry that would not fit with them is kept without them, with a WARN:
     * no input SPEC allows comes near (JobLimitsTest), and a video without facts beats no video.
     */
    private static Video described(Video video, VideoFacts facts, String posterKey, Log log) {
        Video described = video.with(facts, posterKey);
        if (VideoEntry.fits(described)) {
            return described;
        }
        log.warn("video.facts_dropped", "job_id", video.jobId(), "key", video.key(), "reason", "with its facts and poster the"
                + " entry would pass the " + VideoEntry.MAX_ENTRY_BYTES + " bytes a video may take");
        return video;
    }

    /** One WARN line for a file whose facts could not be read, or one that is not faststart. */
    private static void warnAbout(Video video, VideoFactsReader.Result facts, Log log) {
        if (facts.problem() != null) {
            log.warn("video.facts_unknown", "job_id", video.jobId(), "key", video.key(), "reason", facts.problem(),
                    "reads", facts.reads(), "bytes_read", facts.bytesRead());
        } else if (Boolean.FALSE.equals(facts.facts().faststart())) {
            log.warn("video.not_faststart", "job_id", video.jobId(), "key", video.key(), "reason", "moov comes after mdat:"
                    + " a browser must fetch the end of the file before it can show the first frame", "fix", FASTSTART_FIX);
        }
    }

    /** An image created or removed under the prefix: the poster of the recorded videos beside it, if any. */
    private ObjectOutcome imageChanged(String key, boolean removed) {
        Posters.Attached attached;
        try {
            attached = posters.imageChanged(key);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the video beside " + key, e);
        }
        if (attached.videos().isEmpty()) {
            return new ObjectOutcome(key, Outcome.IGNORED, null, removed
                    ? "removal of an image that was no recorded video's poster" : "not a video, nor beside a recorded video");
        }
        String now = !removed ? "" : attached.image() == null ? "; no image left" : "; now " + attached.image();
        return new ObjectOutcome(key, Outcome.POSTER, attached.jobId(), "poster of " + String.join(", ", attached.videos()) + now);
    }

    private Video video(ObjectEvent event, HeadObjectResponse head, VideoKeys.Located located) {
        Map<String, String> metadata = new HashMap<>(head.metadata());
        CONTROL_METADATA.forEach(metadata::remove);
        return new Video(located.jobId(), located.userId(), located.videoCount(), bucket, event.key(),
                unquote(head.eTag()), head.versionId() == null || head.versionId().equals("null") ? null : head.versionId(),
                head.contentLength(), VideoKeys.storedContentType(head.contentType()), metadata, event.sequencer(),
                clock.instant());
    }

    /**
     * A removal reaches the job that holds the key. A delete marker, or the deletion of an unversioned object,
     * removes the video unless a later event was seen for the key; deleting one version removes the video only
     * when it is the recorded version.
     */
    private ObjectOutcome remove(ObjectEvent event) {
        String key = event.key();
        Optional<KeyIndex.Entry> entry = keyIndex.entry(key);
        if (entry.isEmpty() && Posters.isImage(key)) {
            return imageChanged(key, true);
        }
        Optional<String> jobId = entry.map(KeyIndex.Entry::jobId)
                .or(() -> keys.fromKey(key).map(VideoKeys.KeyJob::jobId));
        if (jobId.isEmpty()) {
            return new ObjectOutcome(key, Outcome.IGNORED, null, "removal of a key no job was recorded for");
        }
        if (event.kind() == ObjectEvent.Kind.DELETED && event.versionId() != null) {
            Optional<Video> recorded = table.job(jobId.get()).flatMap(job -> job.video(key));
            if (recorded.isEmpty() || !event.versionId().equals(recorded.get().versionId())) {
                return new ObjectOutcome(key, Outcome.IGNORED, jobId.get(), "a version other than the recorded one was deleted");
            }
            keyIndex.removed(key, event.sequencer());
            return table.removeVideo(jobId.get(), key, recorded.get().etag(), recorded.get().versionId(), null)
                    .map(job -> new ObjectOutcome(key, Outcome.REMOVED, jobId.get(), null))
                    .orElseGet(() -> new ObjectOutcome(key, Outcome.IGNORED, jobId.get(), "replaced meanwhile"));
        }
        if (!keyIndex.removed(key, event.sequencer())) {
            return new ObjectOutcome(key, Outcome.STALE, jobId.get(), "a later version of the key was seen");
        }
        return table.removeVideo(jobId.get(), key, null, null, event.sequencer())
                .map(job -> new ObjectOutcome(key, Outcome.REMOVED, jobId.get(), null))
                .orElseGet(() -> new ObjectOutcome(key, Outcome.IGNORED, jobId.get(), "no current video to remove"));
    }

    private static ObjectOutcome skipped(String key, String reason) {
        return new ObjectOutcome(key, Outcome.SKIPPED, null, reason);
    }

    private static String unquote(String eTag) {
        return eTag != null && eTag.length() >= 2 && eTag.startsWith("\"") && eTag.endsWith("\"")
                ? eTag.substring(1, eTag.length() - 1) : eTag;
    }
}
