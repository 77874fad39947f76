package dev.videolinks;

import dev.videolinks.VideoCompletion.ObjectOutcome;
import dev.videolinks.VideoCompletion.Outcome;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * An object that landed, recorded as a video of its job: what S3 says of it (HeadObject), whose it is
 * ({@link VideoKeys}), its claim on the key ({@link KeyIndex}), its facts and poster, then one conditional write
 * ({@link VideoTable}). An image that landed is handed to {@link Posters}.
 */
final class VideoRecorder {

    private static final List<String> CONTROL_METADATA = List.of("job-id", "user-id", "video-count");
    private static final String FASTSTART_FIX = "ffmpeg -i in.mp4 -c copy -movflags +faststart out.mp4";
    private static final String DOT_SEGMENT = "a '.' or '..' path segment: browsers resolve it before sending, so no"
            + " signed URL for this key can play; rename the object";

    private final String bucket;
    private final VideoKeys keys;
    private final S3Client s3;
    private final VideoTable table;
    private final KeyIndex keyIndex;
    private final VideoFactsReader factsReader;
    private final Posters posters;
    private final Clock clock;

    VideoRecorder(String bucket, VideoKeys keys, S3Client s3, VideoTable table, KeyIndex keyIndex,
            VideoFactsReader factsReader, Posters posters, Clock clock) {
        this.bucket = bucket;
        this.keys = keys;
        this.s3 = s3;
        this.table = table;
        this.keyIndex = keyIndex;
        this.factsReader = factsReader;
        this.posters = posters;
        this.clock = clock;
    }

    /** An object's outcome; the job to deliver when it was recorded (or already was); the lease its write took. */
    record Recorded(ObjectOutcome outcome, Optional<Job> job, DeliveryLedger.Lease lease) {
        static Recorded only(ObjectOutcome outcome) {
            return new Recorded(outcome, Optional.empty(), null);
        }
    }

    Recorded record(ObjectEvent event, Instant deadline, Log log) {
        String key = event.key();
        if (keys.hasVideoExtension(key) && VideoKeys.hasDotSegment(key)) {
            return Recorded.only(VideoCompletion.skipped(key, DOT_SEGMENT));
        }
        HeadObjectResponse head;
        try {
            head = s3.headObject(h -> h.bucket(bucket).key(key).versionId(event.versionId()));
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Recorded.only(VideoCompletion.skipped(key, "object is gone"));
            }
            if (e.statusCode() == 400) {
                // A key S3 refuses (a NUL, more than 1024 bytes) stays refused: retrying cannot help.
                return Recorded.only(VideoCompletion.skipped(key, "key is not valid for S3 (HeadObject answered 400)"));
            }
            throw e;
        }
        if (!keys.isVideo(key, head.contentType())) {
            return Recorded.only(Posters.isImage(key) ? VideoCompletion.imageChanged(posters, key, false)
                    : new ObjectOutcome(key, Outcome.IGNORED, null, "not a video"));
        }
        if (VideoKeys.hasDotSegment(key)) {
            return Recorded.only(VideoCompletion.skipped(key, DOT_SEGMENT));
        }
        var located = keys.locate(key, head.metadata());
        if (located.isRejected()) {
            return Recorded.only(VideoCompletion.skipped(key, located.rejection()));
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
        VideoVersion left = claim.left();
        if (left != null && left.jobId() != null && !left.jobId().equals(video.jobId())) {
            if (table.removeVersion(left).isPresent()) {
                log.info("video.moved", "key", key, "from_job", left.jobId(), "job_id", video.jobId());
            }
            keyIndex.moved(key, left.jobId());
        }
        // After the claim: an image that lands from now on finds the video claimed and waits for its entry.
        var facts = factsReader.read(video);
        video = described(video, facts.facts(), posters.posterOf(video, log), log);
        // A video that completes a new job by itself starts the delivery in the same write.
        var first = video.videoCount() == 1 ? new VideoTable.FirstDelivery(
                Job.webhookId(video.jobId(), List.of(video)), clock.instant(), DeliverySchedule.leaseUntil(deadline)) : null;
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

    /** The video a HeadObject answer describes, without the metadata that placed it (job, user, count). */
    private Video video(ObjectEvent event, HeadObjectResponse head, VideoKeys.Located located) {
        Map<String, String> metadata = new HashMap<>(head.metadata());
        CONTROL_METADATA.forEach(metadata::remove);
        String versionId = head.versionId() == null || head.versionId().equals("null") ? null : head.versionId();
        return Video.builder().jobId(located.jobId()).userId(located.userId()).videoCount(located.videoCount())
                .bucket(bucket).key(event.key()).etag(unquote(head.eTag())).versionId(versionId)
                .size(head.contentLength()).contentType(VideoKeys.storedContentType(head.contentType()))
                .metadata(metadata).sequencer(event.sequencer()).recordedAt(clock.instant())
                .build();
    }

    private static String unquote(String eTag) {
        return eTag != null && eTag.length() >= 2 && eTag.startsWith("\"") && eTag.endsWith("\"")
                ? eTag.substring(1, eTag.length() - 1) : eTag;
    }
}
