package dev.videolinks;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * One recorded version of a video object. {@code userId} is the owner the video names (its folder or metadata)
 * when it comes from S3, and the job's owner when it is read back from the table. {@code facts} are what the file
 * says about itself ({@link VideoFactsReader}); {@code posterKey} the key of its poster image, or null
 * ({@link Posters}).
 */
record Video(
        String jobId,
        String userId,
        int videoCount,
        String bucket,
        String key,
        String etag,
        String versionId,
        long size,
        String contentType,
        Map<String, String> metadata,
        String sequencer,
        Instant recordedAt,
        VideoFacts facts,
        String posterKey) {

    Video {
        metadata = Map.copyOf(metadata);
        facts = facts == null ? VideoFacts.UNKNOWN : facts;
    }

    /** A video whose facts and poster are not known (yet). */
    Video(String jobId, String userId, int videoCount, String bucket, String key, String etag, String versionId, long size,
            String contentType, Map<String, String> metadata, String sequencer, Instant recordedAt) {
        this(jobId, userId, videoCount, bucket, key, etag, versionId, size, contentType, metadata, sequencer, recordedAt,
                VideoFacts.UNKNOWN, null);
    }

    Video with(VideoFacts facts, String posterKey) {
        return new Video(jobId, userId, videoCount, bucket, key, etag, versionId, size, contentType, metadata, sequencer,
                recordedAt, facts, posterKey);
    }

    /** What makes this version differ from another version of the same key. */
    String version() {
        return versionId == null || versionId.isEmpty() ? etag : etag + "/" + versionId;
    }

    String filename() {
        return VideoKeys.filename(key);
    }

    /** The poster image as an object to sign the way the video is signed (its latest version, its stored type). */
    Optional<Video> poster() {
        return Optional.ofNullable(posterKey).map(poster -> new Video(jobId, userId, videoCount, bucket, poster, "", null, 0,
                Posters.imageType(poster), Map.of(), null, recordedAt));
    }
}
