package dev.videolinks;

import java.time.Instant;
import java.util.Map;

/**
 * The video object of the webhook and of the URL API (SPEC §3, §4): one shape, made by one factory.
 * Serialized in snake_case.
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
        Map<String, String> metadata) {

    static VideoLink of(Video video, UrlSigner.SignedUrl url) {
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
                video.metadata());
    }
}
