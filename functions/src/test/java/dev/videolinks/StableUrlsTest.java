package dev.videolinks;

import dev.videolinks.testing.LocalS3;
import dev.videolinks.testing.MutableClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Stable URLs (SPEC §4) over the real signers: CloudFront's with a clock the test moves, S3's presigner where the
 * request is the same twice within a second.
 */
class StableUrlsTest {

    static final KeyPair RSA = TestKeyPairs.rsa();
    static final Instant START = Instant.parse("2026-11-24T10:00:00Z");
    static final Video VIDEO = CloudFrontUrlSignerTest.video("generated_videos/u1/j1/clip.mp4", "video/mp4", "e1", null);

    final MutableClock clock = new MutableClock(START);

    StableUrls cloudFront(Duration stableFor) {
        var signer = new CloudFrontUrlSigner(CloudFrontUrlSignerTest.DOMAIN, CloudFrontUrlSignerTest.KEY_ID, RSA::getPrivate, clock);
        return new StableUrls(signer, stableFor, Config.CLOUDFRONT_LIMIT, clock);
    }

    /** Counts the signatures it passes on. */
    record Counting(VideoUrlSigner signer, AtomicInteger calls) implements VideoUrlSigner {
        Counting(VideoUrlSigner signer) {
            this(signer, new AtomicInteger());
        }

        @Override
        public UrlSigner.SignedUrl sign(Video video, Duration lifetime, UrlSigner.Disposition disposition) {
            calls.incrementAndGet();
            return signer.sign(video, lifetime, disposition);
        }
    }

    @Test
    void sign_sameRequestTwice_sameUrl() {
        var urls = cloudFront(Duration.ofMinutes(15));

        var first = urls.sign(VIDEO, Duration.ofHours(1), UrlSigner.Disposition.INLINE);
        clock.advance(Duration.ofMinutes(14));
        var second = urls.sign(VIDEO, Duration.ofHours(1), UrlSigner.Disposition.INLINE);

        assertEquals(first.url(), second.url());
        assertEquals(first.expiresAt(), second.expiresAt());
    }

    @Test
    void sign_otherVersionDispositionOrLifetime_otherUrl() {
        var urls = cloudFront(Duration.ofMinutes(15));
        var newVersion = CloudFrontUrlSignerTest.video(VIDEO.key(), "video/mp4", "e2", null);

        var inline = urls.sign(VIDEO, Duration.ofHours(1), UrlSigner.Disposition.INLINE).url();
        var replaced = urls.sign(newVersion, Duration.ofHours(1), UrlSigner.Disposition.INLINE).url();
        var attachment = urls.sign(VIDEO, Duration.ofHours(1), UrlSigner.Disposition.ATTACHMENT).url();
        var longer = urls.sign(VIDEO, Duration.ofHours(2), UrlSigner.Disposition.INLINE).url();

        assertEquals(4, List.of(inline, replaced, attachment, longer).stream().distinct().count());
        assertNotEquals(SignedCloudFrontUrl.parse(inline).resource(), SignedCloudFrontUrl.parse(replaced).resource(),
                "a new version is a new cache entry at the edge");
    }

    @Test
    void sign_onceTheWindowHasPassed_newUrl() {
        var urls = cloudFront(Duration.ofMinutes(15));

        var first = urls.sign(VIDEO, Duration.ofHours(1), UrlSigner.Disposition.INLINE);
        clock.advance(Duration.ofMinutes(15));
        var second = urls.sign(VIDEO, Duration.ofHours(1), UrlSigner.Disposition.INLINE);

        assertNotEquals(first.url(), second.url());
        assertEquals(START.plus(Duration.ofMinutes(90)), second.expiresAt());
    }

    /**
     * Whenever a URL is handed out, at any instant of its window, it has between the requested lifetime and the
     * lifetime + w left, w = min(URL_STABLE_FOR, lifetime / 4); and the signature covers that expiry.
     */
    @Test
    void sign_anyMomentOfTheWindow_remainingLifeBetweenTheLifetimeAndAQuarterMore() {
        record Case(Duration lifetime, Duration stableFor, Duration window) {}
        var cases = List.of(
                new Case(Duration.ofMinutes(1), Duration.ofMinutes(15), Duration.ofSeconds(15)),
                new Case(Duration.ofMinutes(15), Duration.ofMinutes(15), Duration.ofSeconds(225)),
                new Case(Duration.ofHours(1), Duration.ofMinutes(15), Duration.ofMinutes(15)),
                new Case(Duration.ofDays(7), Duration.ofMinutes(15), Duration.ofMinutes(15)),
                new Case(Duration.ofHours(1), Duration.ofMinutes(5), Duration.ofMinutes(5)));
        for (Case c : cases) {
            var urls = cloudFront(c.stableFor());
            assertEquals(c.window(), urls.window(c.lifetime()), c.toString());
            var handedOut = new ArrayList<URI>();
            for (int step = 0; step < 40; step++) {
                var url = urls.sign(VIDEO, c.lifetime(), UrlSigner.Disposition.INLINE);
                Duration left = Duration.between(clock.instant(), url.expiresAt());
                assertTrue(left.compareTo(c.lifetime()) >= 0 && left.compareTo(c.lifetime().plus(c.window())) <= 0,
                        c + ": " + left + " left at " + clock.instant());
                assertTrue(SignedCloudFrontUrl.parse(url.url()).verifiesWith(RSA.getPublic()));
                assertEquals(url.expiresAt(), SignedCloudFrontUrl.parse(url.url()).expiresAt());
                handedOut.add(url.url());
                clock.advance(c.window().dividedBy(7).plusMillis(3));
            }
            long distinct = handedOut.stream().distinct().count();
            assertTrue(distinct >= 5 && distinct <= 7, c + ": " + distinct + " URLs for 40 requests over ~5.7 windows");
        }
    }

    @Test
    void window_stableForZero_everyRequestSignedAnewForExactlyTheLifetime() {
        var counting = new Counting(new CloudFrontUrlSigner(CloudFrontUrlSignerTest.DOMAIN, CloudFrontUrlSignerTest.KEY_ID,
                RSA::getPrivate, clock));
        var urls = new StableUrls(counting, Duration.ZERO, Config.CLOUDFRONT_LIMIT, clock);

        var first = urls.sign(VIDEO, Duration.ofHours(1), UrlSigner.Disposition.INLINE);
        urls.sign(VIDEO, Duration.ofHours(1), UrlSigner.Disposition.INLINE);

        assertEquals(2, counting.calls().get());
        assertEquals(START.plus(Duration.ofHours(1)), first.expiresAt());
        assertEquals(0, urls.size());
    }

    /** A presigned URL cannot outlive seven days: a seven-day URL gets no window, a six-day-23-hour one an hour's quarter. */
    @Test
    void window_presignedUrlsNearSevenDays_cappedBySigV4sLimit() {
        var urls = new StableUrls((video, lifetime, disposition) -> null, Duration.ofMinutes(15), Config.PRESIGN_LIMIT, clock);

        assertEquals(Duration.ZERO, urls.window(Duration.ofDays(7)));
        assertEquals(Duration.ofMinutes(10), urls.window(Duration.ofDays(7).minusMinutes(10)));
        assertEquals(Duration.ofMinutes(15), urls.window(Duration.ofDays(6)));
    }

    @Test
    void sign_s3SameRequestTwice_samePresignedUrl() {
        var counting = new Counting(UrlSignerTest.signer(LocalS3.CREDENTIALS));
        var urls = new StableUrls(counting, Duration.ofMinutes(15), Config.PRESIGN_LIMIT, clock);

        var first = urls.sign(VIDEO, Duration.ofMinutes(15), UrlSigner.Disposition.INLINE);
        var second = urls.sign(VIDEO, Duration.ofMinutes(15), UrlSigner.Disposition.INLINE);
        var attachment = urls.sign(VIDEO, Duration.ofMinutes(15), UrlSigner.Disposition.ATTACHMENT);

        assertSame(first, second);
        assertNotEquals(first.url(), attachment.url());
        assertEquals(2, counting.calls().get());
        assertTrue(first.url().getRawQuery().contains("X-Amz-Expires=1125"), "15 min + w = 3 min 45 s: " + first.url().getRawQuery());
    }

    /** Cut short by the credentials that presigned it, a URL has less than the lifetime left: signed anew each time. */
    @Test
    void sign_s3UrlCutShortByItsCredentials_neverHandedOutAgain() {
        var expiring = StaticCredentialsProvider.create(AwsSessionCredentials.builder()
                .accessKeyId("AKIDLOCAL").secretAccessKey("localtestsecret").sessionToken("localtoken")
                .expirationTime(Instant.now().plus(Duration.ofMinutes(20)).truncatedTo(ChronoUnit.SECONDS)).build());
        var counting = new Counting(UrlSignerTest.signer(expiring));
        var urls = new StableUrls(counting, Duration.ofMinutes(15), Config.PRESIGN_LIMIT, java.time.Clock.systemUTC());

        urls.sign(VIDEO, Duration.ofHours(1), UrlSigner.Disposition.INLINE);
        urls.sign(VIDEO, Duration.ofHours(1), UrlSigner.Disposition.INLINE);

        assertEquals(2, counting.calls().get());
    }

    @Test
    void sign_manyVideos_remembersAtMostMaxUrls() {
        var urls = new StableUrls((video, lifetime, disposition) -> new UrlSigner.SignedUrl(
                URI.create("https://example.invalid/" + video.key()), clock.instant().plus(lifetime)),
                Duration.ofMinutes(15), Config.CLOUDFRONT_LIMIT, clock);

        for (int i = 0; i < StableUrls.MAX_URLS + 500; i++) {
            urls.sign(CloudFrontUrlSignerTest.video("generated_videos/u1/j" + i + "/clip.mp4", "video/mp4", "e", null),
                    Duration.ofHours(1), UrlSigner.Disposition.INLINE);
        }

        assertEquals(StableUrls.MAX_URLS, urls.size());
    }
}
