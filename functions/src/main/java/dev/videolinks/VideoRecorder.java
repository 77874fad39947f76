package dev.videolinks;

import dev.videolinks.facts.VideoFactsReader;
import dev.videolinks.facts.VideoFacts;
import dev.videolinks.VideoCompletion.ObjectOutcome;
import dev.videolinks.VideoCompletion.Outcome;
import dev.videolinks.store.Change;
import dev.videolinks.store.KeyState;
import dev.videolinks.store.Sender;
import dev.videolinks.store.VideoStore;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * What an object event did to its key, recorded in the table: whatever the event says (created, deleted, a delete
 * marker), the key's current object is what S3 answers now (HeadObject, without a version id), and the table is
 * made to say that, in the key's order ({@link VideoStore#follow}): a video of its job ({@link VideoKeys}), with
 * its facts and poster; no object; or an object that is no video of any job. Reading the bucket rather than
 * trusting the event is what keeps the table right whatever order, repeats and version deletions S3's events
 * come in. An image is handed to {@link Posters}.
 */
final class VideoRecorder {

    private static final List<String> CONTROL_METADATA = List.of("job-id", "user-id", "video-count");
    private static final String FASTSTART_FIX = "ffmpeg -i in.mp4 -c copy -movflags +faststart out.mp4";
    private static final String DOT_SEGMENT = "a '.' or '..' path segment: browsers resolve it before sending, so no"
            + " signed URL for this key can play; rename the object";

    private final String bucket;
    private final VideoKeys keys;
    private final S3Client s3;
    private final VideoStore store;
    private final VideoFactsReader factsReader;
    private final Posters posters;
    private final Clock clock;

    VideoRecorder(String bucket, VideoKeys keys, S3Client s3, VideoStore store, VideoFactsReader factsReader,
            Posters posters, Clock clock) {
        this.bucket = bucket;
        this.keys = keys;
        this.s3 = s3;
        this.store = store;
        this.factsReader = factsReader;
        this.posters = posters;
        this.clock = clock;
    }

    /** An object's outcome, and what the table's write changed (null when nothing was written or asked). */
    record Recorded(ObjectOutcome outcome, Change change) {
        static Recorded only(ObjectOutcome outcome) {
            return new Recorded(outcome, null);
        }
    }

    Recorded record(ObjectEvent event, Invocation invocation, Log log) {
        String key = event.key();
        if (keys.hasVideoExtension(key) && VideoKeys.hasDotSegment(key)) {
            return Recorded.only(VideoCompletion.skipped(key, DOT_SEGMENT));
        }
        HeadObjectResponse head;
        try {
            head = s3.headObject(h -> h.bucket(bucket).key(key));
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return gone(event, invocation);
            }
            if (e.statusCode() == 400) {
                // A key S3 refuses (a NUL, more than 1024 bytes) stays refused: retrying cannot help.
                return Recorded.only(VideoCompletion.skipped(key, "key is not valid for S3 (HeadObject answered 400)"));
            }
            throw e;
        }
        if (!keys.isVideo(key, head.contentType())) {
            if (Posters.isImage(key)) {
                return Recorded.only(VideoCompletion.imageChanged(posters, key, false));
            }
            return notAVideo(event, invocation, new ObjectOutcome(key, Outcome.IGNORED, null, "not a video"));
        }
        if (VideoKeys.hasDotSegment(key)) {
            return notAVideo(event, invocation, VideoCompletion.skipped(key, DOT_SEGMENT));
        }
        var located = keys.locate(key, head.metadata());
        if (located.isRejected()) {
            return notAVideo(event, invocation, VideoCompletion.skipped(key, located.rejection()));
        }
        Video video = video(event, head, located);
        if (!VideoStore.fits(video)) {
            return notAVideo(event, invocation, new ObjectOutcome(key, Outcome.SKIPPED, video.jobId(),
                    "key, metadata and type together exceed the " + VideoStore.MAX_ENTRY_BYTES + " bytes a video may take"));
        }
        var facts = factsReader.read(new VideoFactsReader.StoredObject(bucket, key, video.versionId(), video.etag(),
                video.size()));
        video = described(video, facts.facts(), posters.posterOf(video, log), log);
        Change change = store.follow(KeyState.video(video), invocation.sender(clock.instant()));
        if (change.kind() == Change.Kind.RECORDED) {
            posters.recorded(video);
            warnAbout(video, facts, log);
        }
        String jobId = video.jobId();
        var outcome = switch (change.kind()) {
            case RECORDED -> new ObjectOutcome(key, Outcome.RECORDED, jobId, null);
            case DUPLICATE -> event.kind().isRemoval()
                    ? new ObjectOutcome(key, Outcome.IGNORED, jobId, "the key still holds the recorded video: another"
                            + " version was deleted")
                    : new ObjectOutcome(key, Outcome.DUPLICATE, jobId, null);
            case STALE -> new ObjectOutcome(key, Outcome.STALE, jobId, "a later event of the key was recorded already");
            case OWNER_CONFLICT -> new ObjectOutcome(key, Outcome.OWNER_CONFLICT, jobId, "the job belongs to another user",
                    change.job().owner(), video.userId());
            case TOO_MANY_VIDEOS -> new ObjectOutcome(key, Outcome.TOO_MANY_VIDEOS, jobId,
                    "the job holds " + VideoStore.MAX_VIDEOS + " videos already");
            case REMOVED, NOTHING -> throw new IllegalStateException("a video's key is recorded, not removed");
        };
        if (change.left() != null) {
            log.info("video.moved", "key", key, "from_job", change.left().jobId(), "job_id", jobId);
        }
        return new Recorded(outcome, change);
    }

    /**
     * The key holds no object now: the job that listed it lets it go, and the key keeps a tombstone (a key that
     * cannot be a video by its name only when the table knew it).
     */
    private Recorded gone(ObjectEvent event, Invocation invocation) {
        String key = event.key();
        if (Posters.isImage(key)) {
            return Recorded.only(VideoCompletion.imageChanged(posters, key, true));
        }
        boolean mayBeVideo = keys.hasVideoExtension(key) || Posters.extension(key) == null;
        var state = mayBeVideo ? KeyState.gone(key, event.sequencer()) : KeyState.notAVideo(key, event.sequencer());
        Change change = store.follow(state, invocation.sender(clock.instant()));
        ObjectOutcome outcome = switch (change.kind()) {
            case REMOVED -> new ObjectOutcome(key, Outcome.REMOVED, change.left().jobId(), null);
            case STALE -> new ObjectOutcome(key, Outcome.STALE, null, "a later event of the key was recorded already");
            default -> event.kind().isRemoval()
                    ? new ObjectOutcome(key, Outcome.IGNORED, null, "removal of a key no job lists")
                    : VideoCompletion.skipped(key, "object is gone");
        };
        return new Recorded(outcome, change);
    }

    /** The key holds an object that is no video of any job: the job that listed the key, if any, lets it go. */
    private Recorded notAVideo(ObjectEvent event, Invocation invocation, ObjectOutcome why) {
        Change change = store.follow(KeyState.notAVideo(event.key(), event.sequencer()), invocation.sender(clock.instant()));
        if (change.kind() == Change.Kind.REMOVED) {
            return new Recorded(new ObjectOutcome(event.key(), Outcome.REMOVED, change.left().jobId(),
                    "replaced by an object that is not recorded: " + why.reason()), change);
        }
        return new Recorded(why, change);
    }

    /**
     * The video with its facts and poster. An entry that would not fit with them is kept without them, with a WARN:
     * no input the README allows comes near (JobLimitsTest), and a video without facts beats no video.
     */
    private static Video described(Video video, VideoFacts facts, Posters.Poster poster, Log log) {
        Video described = video.with(facts, poster.key(), poster.etag());
        if (VideoStore.fits(described)) {
            return described;
        }
        log.warn("video.facts_dropped", "job_id", video.jobId(), "key", video.key(), "reason", "with its facts and poster the"
                + " entry would pass the " + VideoStore.MAX_ENTRY_BYTES + " bytes a video may take");
        return video;
    }

    /** One WARN line for a file whose facts could not be read, or one that is not faststart. */
    private static void warnAbout(Video video, VideoFactsReader.Result facts, Log log) {
        if (facts.problem() != null) {
            log.warn("video.facts_unknown", "job_id", video.jobId(), "key", video.key(), "reason", facts.problem(),
                    "reads", facts.reads(), "bytes_read", facts.bytesRead());
        } else if (facts.warning() != null) {
            log.warn("video.facts_partial", "job_id", video.jobId(), "key", video.key(), "reason", facts.warning(),
                    "reads", facts.reads(), "bytes_read", facts.bytesRead());
        }
        if (Boolean.FALSE.equals(facts.facts().faststart())) {
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

    /** The invocation an event is handled in: its request id (which Lambda keeps for its retries) and its deadline. */
    record Invocation(String requestId, java.time.Instant deadline) {
        Sender sender(java.time.Instant now) {
            return new Sender(requestId, now, DeliverySchedule.leaseUntil(deadline));
        }
    }
}
