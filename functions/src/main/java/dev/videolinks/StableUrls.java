package dev.videolinks;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Stable URLs (SPEC §4): asked again for the same video version with the same lifetime and disposition, hands out
 * the URL it signed before while that URL is younger than w = min({@code URL_STABLE_FOR}, lifetime / 4), so a
 * browser finds the bytes it cached under that URL instead of downloading the video again. To keep the promise of
 * the requested lifetime, each URL is signed for lifetime + w: whenever it is handed out, it has between the
 * lifetime and the lifetime + w left, and its expiry says exactly when it ends.
 *
 * <p>It remembers the last {@value #MAX_URLS} URLs it signed (least recently asked for go first), in this
 * environment only. It starts empty and keeps no time of its own, so a SnapStart snapshot holds none.
 */
final class StableUrls implements VideoUrlSigner {

    /** About 2 KB each (a presigned URL with a session token is the longest): 20 MB at most. */
    static final int MAX_URLS = 10_000;

    private record Request(String bucket, String key, String version, String contentType,
            UrlSigner.Disposition disposition, Duration lifetime) {

        static Request of(Video video, Duration lifetime, UrlSigner.Disposition disposition) {
            return new Request(video.bucket(), video.key(), video.version(), video.contentType(), disposition, lifetime);
        }
    }

    private record Signed(UrlSigner.SignedUrl url, Instant signedAt) {}

    private final VideoUrlSigner signer;
    private final Duration stableFor;
    private final Duration longestLifetime;
    private final Clock clock;
    private final Map<Request, Signed> recent = new Recent();

    /** The most recently used URLs, at most {@value #MAX_URLS}. */
    private static final class Recent extends LinkedHashMap<Request, Signed> {
        private static final long serialVersionUID = 1L;

        Recent() {
            super(64, 0.75f, true);
        }

        @Override
        protected boolean removeEldestEntry(Map.Entry<Request, Signed> eldest) {
            return this.size() > MAX_URLS;
        }
    }

    /** {@code longestLifetime}: the longest a URL of {@code signer} may live (seven days for a presigned URL). */
    StableUrls(VideoUrlSigner signer, Duration stableFor, Duration longestLifetime, Clock clock) {
        this.signer = signer;
        this.stableFor = stableFor;
        this.longestLifetime = longestLifetime;
        this.clock = clock;
    }

    // Synchronized: Lambda sends one request at a time, so the lock is never contended there.
    @Override
    public synchronized UrlSigner.SignedUrl sign(Video video, Duration lifetime, UrlSigner.Disposition disposition) {
        Duration window = window(lifetime);
        if (window.isZero()) {
            return signer.sign(video, lifetime, disposition);
        }
        Instant now = clock.instant();
        var request = Request.of(video, lifetime, disposition);
        Signed last = recent.get(request);
        if (last != null && stillGood(last, now, window, lifetime)) {
            return last.url();
        }
        var url = signer.sign(video, lifetime.plus(window), disposition);
        recent.put(request, new Signed(url, now));
        return url;
    }

    /**
     * w = min(URL_STABLE_FOR, lifetime / 4) in whole seconds, and no longer than the signer allows beyond the
     * lifetime (a seven-day presigned URL gets no window: it cannot be signed for longer).
     */
    Duration window(Duration lifetime) {
        Duration window = min(stableFor, lifetime.dividedBy(4));
        Duration room = longestLifetime.minus(lifetime);
        return min(window, room.isNegative() ? Duration.ZERO : room).truncatedTo(ChronoUnit.SECONDS);
    }

    /** How many URLs it remembers now. */
    synchronized int size() {
        return recent.size();
    }

    /**
     * Younger than the window, and with at least the requested lifetime left: a URL whose expiry was cut short
     * (by the credentials that presigned it) is never handed out again.
     */
    private static boolean stillGood(Signed last, Instant now, Duration window, Duration lifetime) {
        Duration age = Duration.between(last.signedAt(), now);
        return !age.isNegative() && age.compareTo(window) < 0 && !last.url().expiresAt().isBefore(now.plus(lifetime));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
