package dev.videolinks;

import java.time.Instant;
import java.util.Map;

/** One recorded version of a video object, as the table keeps it. */
record Video(
        String jobId,
        String userId,
        int videoCount,
        String bucket,
        String key,
        String eTag,
        String versionId,
        long size,
        String contentType,
        Map<String, String> metadata,
        String sequencer,
        Instant recordedAt,
        boolean removed) {

    Video {
        metadata = Map.copyOf(metadata);
    }

    /** What makes this version differ from another version of the same key. */
    String version() {
        return versionId == null || versionId.isEmpty() ? eTag : eTag + "/" + versionId;
    }

    String filename() {
        return VideoKeys.filename(key);
    }
}
