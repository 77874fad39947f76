package dev.videolinks;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * What happens when objects land or go: every record is looked at, every video recorded once, every removal
 * marked, and every job that has all its videos gets its webhook.
 */
final class VideoCompletion {

    enum Outcome { RECORDED, DUPLICATE, REMOVED, IGNORED, SKIPPED }

    /** What became of one object. */
    record ObjectOutcome(String key, Outcome outcome, String jobId, String reason) {}

    /** What one invocation did: per object, then per job delivered or attempted. */
    record Report(List<ObjectOutcome> objects, List<JobDelivery.Result> deliveries, List<String> rejected) {

        List<JobDelivery.Result> undelivered() {
            return deliveries.stream().filter(JobDelivery.Result::needsRetry).toList();
        }
    }

    private static final List<String> CONTROL_METADATA = List.of("job-id", "user-id", "video-count");

    private final String bucket;
    private final VideoKeys keys;
    private final S3Client s3;
    private final VideoTable table;
    private final JobDelivery delivery;
    private final Duration lease;
    private final Clock clock;

    VideoCompletion(String bucket, VideoKeys keys, S3Client s3, VideoTable table, JobDelivery delivery, Duration lease,
            Clock clock) {
        this.bucket = bucket;
        this.keys = keys;
        this.s3 = s3;
        this.table = table;
        this.delivery = delivery;
        this.lease = lease;
        this.clock = clock;
    }

    Report process(ObjectEvent.Batch batch, Instant deadline, Log log) {
        batch.rejected().forEach(reason -> log.error("event.rejected", "reason", reason));
        var outcomes = new ArrayList<ObjectOutcome>();
        var recordedJobs = new LinkedHashMap<String, Job>();
        var leasedJobs = new HashSet<String>();
        for (ObjectEvent event : batch.objects()) {
            ObjectOutcome outcome;
            if (!event.bucket().equals(bucket)) {
                outcome = skipped(event.key(), "bucket '" + event.bucket() + "' is not VIDEO_BUCKET");
            } else if (!keys.isCandidate(event.key())) {
                outcome = new ObjectOutcome(event.key(), Outcome.IGNORED, null, "outside the video prefix");
            } else if (event.kind() == ObjectEvent.Kind.REMOVED) {
                outcome = remove(event);
            } else {
                var recorded = record(event);
                outcome = recorded.outcome();
                recorded.job().ifPresent(job -> recordedJobs.put(job.jobId(), job));
                if (recorded.leased()) {
                    leasedJobs.add(outcome.jobId());
                }
            }
            outcomes.add(outcome);
            String name = "video." + outcome.outcome().name().toLowerCase();
            switch (outcome.outcome()) {
                case SKIPPED -> log.error(name, "key", outcome.key(), "reason", outcome.reason());
                case IGNORED -> log.info(name, "key", outcome.key(), "reason", outcome.reason());
                default -> log.info(name, "job_id", outcome.jobId(), "key", outcome.key());
            }
        }

        var deliveries = new ArrayList<JobDelivery.Result>();
        for (Job job : recordedJobs.values()) {
            if (!job.isComplete()) {
                log.info("job.waiting", "job_id", job.jobId(), "videos", job.currentVideos().size(),
                        "expected", job.expectedVideos());
                continue;
            }
            deliveries.add(delivery.deliver(job, leasedJobs.contains(job.jobId()), deadline, log));
        }
        return new Report(outcomes, deliveries, batch.rejected());
    }

    private record Recorded(ObjectOutcome outcome, Optional<Job> job, boolean leased) {}

    private Recorded record(ObjectEvent event) {
        String key = event.key();
        HeadObjectResponse head;
        try {
            head = s3.headObject(h -> h.bucket(bucket).key(key).versionId(event.versionId()));
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return new Recorded(skipped(key, "object is gone"), Optional.empty(), false);
            }
            if (e.statusCode() == 400) {
                // A key S3 refuses (a NUL, more than 1024 bytes) stays refused: retrying cannot help.
                return new Recorded(skipped(key, "key is not valid for S3 (HeadObject answered 400)"), Optional.empty(), false);
            }
            throw e;
        }
        if (!keys.isVideo(key, head.contentType())) {
            return new Recorded(new ObjectOutcome(key, Outcome.IGNORED, null, "not a video"), Optional.empty(), false);
        }
        var located = keys.locate(key, head.metadata());
        if (located.isRejected()) {
            return new Recorded(skipped(key, located.rejection()), Optional.empty(), false);
        }
        Map<String, String> metadata = new HashMap<>(head.metadata());
        CONTROL_METADATA.forEach(metadata::remove);
        var video = new Video(located.jobId(), located.userId(), located.videoCount(), bucket, key,
                unquote(head.eTag()), head.versionId(), head.contentLength(),
                head.contentType() == null ? "binary/octet-stream" : head.contentType(), metadata,
                event.sequencer(), clock.instant(), false);
        boolean keyTellsTheJob = keys.fromKey(key).map(k -> k.jobId().equals(video.jobId())).orElse(false);
        if (!keyTellsTheJob) {
            table.rememberJobOfKey(key, video.jobId());
        }
        // A video that completes its job by itself starts the delivery in the same write.
        var first = video.videoCount() == 1
                ? new VideoTable.FirstDelivery(JobDelivery.webhookId(video.jobId(), List.of(video)), clock.instant(), lease)
                : null;
        var recorded = table.recordVideo(video, first);
        var outcome = new ObjectOutcome(key, recorded.changed() ? Outcome.RECORDED : Outcome.DUPLICATE, video.jobId(), null);
        return new Recorded(outcome, Optional.of(recorded.job()), recorded.leased());
    }

    private ObjectOutcome remove(ObjectEvent event) {
        String key = event.key();
        Optional<String> jobId = table.rememberedJobOfKey(key)
                .or(() -> keys.fromKey(key).map(VideoKeys.KeyJob::jobId));
        if (jobId.isEmpty()) {
            return new ObjectOutcome(key, Outcome.IGNORED, null, "removal of a key no job was recorded for");
        }
        return table.markRemoved(jobId.get(), key, event.sequencer(), clock.instant())
                .map(job -> new ObjectOutcome(key, Outcome.REMOVED, job.jobId(), null))
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
