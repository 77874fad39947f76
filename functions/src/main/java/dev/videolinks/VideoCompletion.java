package dev.videolinks;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * What happens when objects land: every record is looked at, every video recorded once, and every job that
 * has all its videos gets its webhook.
 */
final class VideoCompletion {

    /** What became of one object. */
    record ObjectOutcome(String key, String outcome, String jobId, String reason) {}

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
    private final Clock clock;

    VideoCompletion(String bucket, VideoKeys keys, S3Client s3, VideoTable table, JobDelivery delivery, Clock clock) {
        this.bucket = bucket;
        this.keys = keys;
        this.s3 = s3;
        this.table = table;
        this.delivery = delivery;
        this.clock = clock;
    }

    Report process(ObjectEvent.Batch batch, Instant deadline, Log log) {
        batch.rejected().forEach(reason -> log.error("event.rejected", "reason", reason));
        var outcomes = new ArrayList<ObjectOutcome>();
        var touchedJobs = new LinkedHashSet<String>();
        for (ObjectEvent event : batch.objects()) {
            ObjectOutcome outcome = record(event);
            outcomes.add(outcome);
            switch (outcome.outcome()) {
                case "recorded", "duplicate" -> {
                    touchedJobs.add(outcome.jobId());
                    log.info("video." + outcome.outcome(), "job_id", outcome.jobId(), "key", outcome.key());
                }
                case "ignored" -> log.info("video.ignored", "key", outcome.key(), "reason", outcome.reason());
                default -> log.error("video.skipped", "key", outcome.key(), "reason", outcome.reason());
            }
        }

        var deliveries = new ArrayList<JobDelivery.Result>();
        for (String jobId : touchedJobs) {
            List<Video> videos = table.videos(jobId);
            int expected = videos.stream().mapToInt(Video::videoCount).max().orElse(1);
            if (videos.size() < expected) {
                log.info("job.waiting", "job_id", jobId, "videos", videos.size(), "expected", expected);
                continue;
            }
            deliveries.add(delivery.deliver(jobId, videos, deadline, log));
        }
        return new Report(outcomes, deliveries, batch.rejected());
    }

    private ObjectOutcome record(ObjectEvent event) {
        String key = event.key();
        if (!event.bucket().equals(bucket)) {
            return new ObjectOutcome(key, "skipped", null, "bucket '" + event.bucket() + "' is not VIDEO_BUCKET");
        }
        if (!keys.isCandidate(key)) {
            return new ObjectOutcome(key, "ignored", null, "outside the video prefix");
        }
        if (event.kind() == ObjectEvent.Kind.REMOVED) {
            return new ObjectOutcome(key, "ignored", null, "removal");
        }
        HeadObjectResponse head;
        try {
            head = s3.headObject(h -> h.bucket(bucket).key(key).versionId(event.versionId()));
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return new ObjectOutcome(key, "skipped", null, "object is gone");
            }
            throw e;
        }
        if (!keys.isVideo(key, head.contentType())) {
            return new ObjectOutcome(key, "ignored", null, "not a video");
        }
        var located = keys.locate(key, head.metadata());
        if (located.isRejected()) {
            return new ObjectOutcome(key, "skipped", null, located.rejection());
        }
        Map<String, String> metadata = new HashMap<>(head.metadata());
        CONTROL_METADATA.forEach(metadata::remove);
        var video = new Video(located.jobId(), located.userId(), located.videoCount(), bucket, key,
                unquote(head.eTag()), head.versionId(), head.contentLength(), head.contentType() == null ? "binary/octet-stream" : head.contentType(), metadata,
                clock.instant());
        boolean recorded = table.recordVideo(video);
        return new ObjectOutcome(key, recorded ? "recorded" : "duplicate", located.jobId(), null);
    }

    private static String unquote(String eTag) {
        return eTag != null && eTag.length() >= 2 && eTag.startsWith("\"") && eTag.endsWith("\"")
                ? eTag.substring(1, eTag.length() - 1) : eTag;
    }
}
