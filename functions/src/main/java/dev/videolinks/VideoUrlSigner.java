package dev.videolinks;

import java.time.Clock;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * Signs a GET URL for one version of a video (SPEC §4): a video, a lifetime and a disposition in; the URL and the
 * exact instant it stops working out. {@link UrlSigner} presigns S3 URLs, {@link CloudFrontUrlSigner} signs
 * CloudFront URLs, and {@link StableUrls} hands out again, for a while, the URL either one signed before.
 */
interface VideoUrlSigner {

    UrlSigner.SignedUrl sign(Video video, Duration lifetime, UrlSigner.Disposition disposition);

    /**
     * The signer a function's configuration asks for, behind {@link StableUrls}. Builds clients only: nothing is
     * sent and no key is read until the first URL is signed.
     */
    static VideoUrlSigner create(Config config, AwsClients clients, AwsCredentialsProvider credentials, Clock clock) {
        Config.Signing signing = config.signing();
        return switch (signing.signer()) {
            case S3 -> new StableUrls(new UrlSigner(clients.presigner(), credentials), signing.stableFor(),
                    Config.PRESIGN_LIMIT, clock);
            case CLOUDFRONT -> {
                Config.CloudFront cloudFront = signing.cloudFront();
                var key = new CloudFrontPrivateKey(clients.secretsManager(), cloudFront.privateKeySecret());
                // CloudFront sets no longest lifetime: URL_MAX_TTL's ceiling plus the window never cuts the window.
                yield new StableUrls(new CloudFrontUrlSigner(cloudFront.domain(), cloudFront.keyPairId(), key::get, clock),
                        signing.stableFor(), Config.CLOUDFRONT_LIMIT.plus(signing.stableFor()), clock);
            }
        };
    }
}
