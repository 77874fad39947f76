package dev.videolinks;

import dev.videolinks.facts.VideoFacts;
import dev.videolinks.facts.Playback;
import java.time.Instant;
import java.util.Map;

/**
 * The video object of the webhook and of the URL API: one shape, made by one factory. Serialized in snake_case.
 * The facts, the playback verdict and the poster are null when unknown or absent.
 */
record VideoLink(
        String filename,
        String filePath,
        String s3Bucket,
        String s3Key,
        String fileUrl,
        Instant fileUrlExpiresAt,
        long fileSize,
        String contentType,
        String etag,
        Map<String, String> metadata,
        Double durationSeconds,
        Integer width,
        Integer height,
        String videoCodec,
        String videoProfile,
        String videoLevel,
        Integer bitDepth,
        Boolean hasAudio,
        String audioCodec,
        Boolean faststart,
        Playback playback,
        String posterUrl,
        Instant posterUrlExpiresAt) {

    /** {@code poster}: the signed URL of the video's poster, or null when it has none. */
    static VideoLink of(Video video, UrlSigner.SignedUrl url, UrlSigner.SignedUrl poster) {
        VideoFacts facts = video.facts();
        return new VideoLink(
                video.filename(),
                video.key(),
                video.bucket(),
                video.key(),
                url.url().toString(),
                url.expiresAt(),
                video.size(),
                VideoKeys.playableContentType(video.key(), video.contentType()),
                video.etag(),
                video.metadata(),
                facts.durationSeconds(),
                facts.width(),
                facts.height(),
                facts.videoCodec(),
                facts.videoProfile(),
                facts.videoLevel(),
                facts.bitDepth(),
                facts.hasAudio(),
                facts.audioCodec(),
                facts.faststart(),
                Playback.of(facts),
                poster == null ? null : poster.url().toString(),
                poster == null ? null : poster.expiresAt());
    }
}
