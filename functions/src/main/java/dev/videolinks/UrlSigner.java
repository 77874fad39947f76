package dev.videolinks;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Presigns GET URLs for videos and says honestly when each stops working: at signing time + TTL, or earlier
 * when the credentials that signed it expire first (a URL is only as valid as its signer's session).
 * {@code URL_SIGNER=S3}, the default; {@link CloudFrontUrlSigner} is the other way to sign.
 */
final class UrlSigner implements VideoUrlSigner {

    enum Disposition { INLINE, ATTACHMENT }

    /** A presigned URL (a bearer token: never log it whole) and the instant it stops working. */
    record SignedUrl(URI url, Instant expiresAt) {
        /** The URL without its query string, which is what may be logged. */
        String redacted() {
            return url.getScheme() + "://" + url.getRawAuthority() + url.getRawPath();
        }
    }

    private final S3Presigner presigner;
    private final AwsCredentialsProvider credentials;

    UrlSigner(S3Presigner presigner, AwsCredentialsProvider credentials) {
        this.presigner = presigner;
        this.credentials = credentials;
    }

    @Override
    public SignedUrl sign(Video video, Duration ttl, Disposition disposition) {
        // Sign with exactly the credentials whose expiry we read.
        AwsCredentials identity = credentials.resolveCredentials();
        var signed = presigner.presignGetObject(presign -> presign
                .signatureDuration(ttl)
                .getObjectRequest(get -> {
                    get.bucket(video.bucket()).key(video.key())
                            .overrideConfiguration(o -> o.credentialsProvider(StaticCredentialsProvider.create(identity)));
                    if (video.versionId() != null) {
                        get.versionId(video.versionId());
                    }
                    if (VideoKeys.isGeneric(video.contentType())) {
                        get.responseContentType(VideoKeys.playableContentType(video.key(), video.contentType()));
                    }
                    if (disposition == Disposition.ATTACHMENT) {
                        get.responseContentDisposition(attachment(video.filename()));
                    }
                }));
        Instant expiresAt = signed.expiration();
        if (identity.expirationTime().isPresent() && identity.expirationTime().get().isBefore(expiresAt)) {
            expiresAt = identity.expirationTime().get();
        }
        return new SignedUrl(URI.create(signed.url().toString()), expiresAt.truncatedTo(ChronoUnit.SECONDS));
    }

    /** RFC 6266: an ASCII fallback name plus the exact UTF-8 name. */
    static String attachment(String filename) {
        String ascii = filename.replaceAll("[^\\x20-\\x7E]|[\"\\\\]", "_");
        return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + rfc5987(filename);
    }

    private static String rfc5987(String value) {
        var out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "!#$&+-.^_`|~".indexOf(c) >= 0) {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }
}
