package dev.videolinks;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import software.amazon.awssdk.services.cloudfront.CloudFrontUtilities;
import software.amazon.awssdk.services.cloudfront.utils.SigningHashAlgorithm;

/**
 * {@code URL_SIGNER=CloudFront}: CloudFront signed URLs (canned policy, SHA-256) for a distribution whose origin is
 * the bucket. Its URLs depend on no AWS credentials, so they live as long as asked, and their expiry is exactly
 * the policy's. The SDK's {@link CloudFrontUtilities} builds the policy and signs it.
 *
 * <p>A URL carries at most these query parameters of its own, all part of the distribution's cache key and
 * forwarded to S3: {@code versionId} (the recorded version, in a versioned bucket) or {@code v} (its ETag
 * otherwise, so that an overwritten key is a new cache entry), {@code response-content-type} (for videos stored
 * with a generic type) and {@code response-content-disposition} (for downloads). CloudFront's own parameters
 * ({@link #SIGNATURE_PARAMETERS}) stay out of the cache key: every signed URL of a video hits the same bytes.
 */
final class CloudFrontUrlSigner implements VideoUrlSigner {

    /** The query parameters this signer puts in a URL before signing it: the cache policy keys on these. */
    static final List<String> CACHE_KEY_PARAMETERS = List.of("versionId", "v", "response-content-type",
            "response-content-disposition");
    /** The parameters CloudFront reads to check a signed URL (the SDK appends them). */
    static final List<String> SIGNATURE_PARAMETERS = List.of("Expires", "Policy", "Signature", "Key-Pair-Id",
            "Hash-Algorithm");

    private final String domain;
    private final String keyPairId;
    private final Supplier<PrivateKey> privateKey;
    private final Clock clock;
    private final CloudFrontUtilities cloudFront = CloudFrontUtilities.create();

    /** {@code privateKey} is asked for at every signature (and should keep the key it read once). */
    CloudFrontUrlSigner(String domain, String keyPairId, Supplier<PrivateKey> privateKey, Clock clock) {
        this.domain = domain;
        this.keyPairId = keyPairId;
        this.privateKey = privateKey;
        this.clock = clock;
    }

    @Override
    public UrlSigner.SignedUrl sign(Video video, Duration lifetime, UrlSigner.Disposition disposition) {
        // The canned policy counts whole seconds: the URL stops working at exactly this instant.
        Instant expiresAt = Instant.ofEpochSecond(clock.instant().plus(lifetime).getEpochSecond());
        var signed = cloudFront.getSignedUrlWithCannedPolicy(request -> request
                .resourceUrl(resourceUrl(video, disposition))
                .keyPairId(keyPairId)
                .privateKey(privateKey.get())
                .expirationDate(expiresAt)
                .hashAlgorithm(SigningHashAlgorithm.SHA256));
        return new UrlSigner.SignedUrl(URI.create(signed.url()), expiresAt);
    }

    /**
     * The URL before signing, which the canned policy names as its resource. Every byte outside RFC 3986's
     * unreserved set is percent-encoded (and {@code /} kept in the path), so a browser sends the URL exactly as
     * signed: it would itself encode a {@code '} or a space in a query, and CloudFront would then see another URL.
     */
    String resourceUrl(Video video, UrlSigner.Disposition disposition) {
        var query = new ArrayList<String>();
        if (video.versionId() != null && !video.versionId().isEmpty()) {
            query.add("versionId=" + encode(video.versionId(), false));
        } else if (video.etag() != null && !video.etag().isEmpty()) {
            query.add("v=" + encode(video.etag(), false));
        }
        if (video.contentType() == null || VideoKeys.isGeneric(video.contentType())) {
            query.add("response-content-type="
                    + encode(VideoKeys.playableContentType(video.key(), video.contentType()), false));
        }
        if (disposition == UrlSigner.Disposition.ATTACHMENT) {
            query.add("response-content-disposition=" + encode(UrlSigner.attachment(video.filename()), false));
        }
        return "https://" + domain + "/" + encode(video.key(), true) + (query.isEmpty() ? "" : "?" + String.join("&", query));
    }

    private static String encode(String value, boolean keepSlashes) {
        var out = new StringBuilder(value.length() + 16);
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~' || (keepSlashes && c == '/')) {
                out.append(c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
            }
        }
        return out.toString();
    }
}
