package dev.videolinks;

import java.time.Instant;
import java.util.Map;

/**
 * One recorded version of a video object. {@code userId} is the owner the video names (its folder or metadata)
 * when it comes from S3, and the job's owner when it is read back from the table.
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
        Instant recordedAt) {

    Video {
        metadata = Map.copyOf(metadata);
    }

    /** What makes this version differ from another version of the same key. */
    String version() {
        return versionId == null || versionId.isEmpty() ? etag : etag + "/" + versionId;
    }

    String filename() {
        return VideoKeys.filename(key);
    }
}
