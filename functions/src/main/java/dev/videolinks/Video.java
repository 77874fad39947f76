package dev.videolinks;

import dev.videolinks.facts.VideoFactsReader;
import dev.videolinks.facts.VideoFacts;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * One recorded version of a video object. {@code userId} is the owner the video names (its folder or metadata)
 * when it comes from S3, and the job's owner when it is read back from the table. {@code facts} are what the file
 * says about itself ({@link VideoFactsReader}); {@code posterKey} the key of its poster image, or null
 * ({@link Posters}).
 */
public record Video(
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
        String posterKey,
        String posterEtag) {

    public Video {
        metadata = Map.copyOf(metadata);
        facts = facts == null ? VideoFacts.UNKNOWN : facts;
    }

    /** A video whose facts and poster are not known (yet). */
    public Video(String jobId, String userId, int videoCount, String bucket, String key, String etag, String versionId, long size,
            String contentType, Map<String, String> metadata, String sequencer, Instant recordedAt) {
        this(jobId, userId, videoCount, bucket, key, etag, versionId, size, contentType, metadata, sequencer, recordedAt,
                VideoFacts.UNKNOWN, null, null);
    }

    /** A video with its facts and a poster whose ETag is not known. */
    public Video(String jobId, String userId, int videoCount, String bucket, String key, String etag, String versionId, long size,
            String contentType, Map<String, String> metadata, String sequencer, Instant recordedAt, VideoFacts facts,
            String posterKey) {
        this(jobId, userId, videoCount, bucket, key, etag, versionId, size, contentType, metadata, sequencer, recordedAt,
                facts, posterKey, null);
    }

    /** A video built field by field, by name: where it comes from a HeadObject answer or a table entry. */
    public static Builder builder() {
        return new Builder();
    }

    /** The same video with its facts and its poster: the image's key and ETag (the ETag null when not known). */
    public Video with(VideoFacts facts, String posterKey, String posterEtag) {
        return new Video(jobId, userId, videoCount, bucket, key, etag, versionId, size, contentType, metadata, sequencer,
                recordedAt, facts, posterKey, posterEtag);
    }

    /** What makes this version differ from another version of the same key. */
    public String version() {
        return versionId == null || versionId.isEmpty() ? etag : etag + "/" + versionId;
    }

    public String filename() {
        return VideoKeys.filename(key);
    }

    /**
     * The poster image as an object to sign the way the video is signed: its latest version, its type by its name,
     * and its ETag when known, which a CloudFront URL carries (so a replaced poster is not the edge's cached one).
     */
    public Optional<Video> poster() {
        return Optional.ofNullable(posterKey).map(poster -> builder().jobId(jobId).userId(userId).videoCount(videoCount)
                .bucket(bucket).key(poster).etag(posterEtag == null ? "" : posterEtag).contentType(Posters.imageType(poster))
                .recordedAt(recordedAt).build());
    }

    public static final class Builder {
        private String jobId;
        private String userId;
        private int videoCount = 1;
        private String bucket;
        private String key;
        private String etag;
        private String versionId;
        private long size;
        private String contentType;
        private Map<String, String> metadata = Map.of();
        private String sequencer;
        private Instant recordedAt;
        private VideoFacts facts = VideoFacts.UNKNOWN;
        private String posterKey;
        private String posterEtag;

        private Builder() {}

        public Builder jobId(String jobId) { this.jobId = jobId; return this; }
        public Builder userId(String userId) { this.userId = userId; return this; }
        public Builder videoCount(int videoCount) { this.videoCount = videoCount; return this; }
        public Builder bucket(String bucket) { this.bucket = bucket; return this; }
        public Builder key(String key) { this.key = key; return this; }
        public Builder etag(String etag) { this.etag = etag; return this; }
        public Builder versionId(String versionId) { this.versionId = versionId; return this; }
        public Builder size(long size) { this.size = size; return this; }
        public Builder contentType(String contentType) { this.contentType = contentType; return this; }
        public Builder metadata(Map<String, String> metadata) { this.metadata = Map.copyOf(metadata); return this; }
        public Builder sequencer(String sequencer) { this.sequencer = sequencer; return this; }
        public Builder recordedAt(Instant recordedAt) { this.recordedAt = recordedAt; return this; }
        public Builder facts(VideoFacts facts) { this.facts = facts; return this; }
        public Builder posterKey(String posterKey) { this.posterKey = posterKey; return this; }
        public Builder posterEtag(String posterEtag) { this.posterEtag = posterEtag; return this; }

        public Video build() {
            return new Video(jobId, userId, videoCount, bucket, key, etag, versionId, size, contentType, metadata, sequencer,
                    recordedAt, facts, posterKey, posterEtag);
        }
    }
}
