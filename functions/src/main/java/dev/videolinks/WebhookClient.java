package dev.videolinks;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * Sends one signed webhook with a few bounded retries (SPEC §3): 2xx is delivered; connection errors, timeouts,
 * 408, 425, 429 and 5xx are retried after a backoff ({@code Retry-After} honoured up to a bound); redirects and
 * other 4xx end the series; 410 says the receiver wants no more. Each attempt is one {@link WebhookPost}.
 *
 */
final class WebhookClient {

    enum Result { DELIVERED, RETRYABLE, REJECTED, GONE }

    /** Waits between attempts: {@code Thread::sleep} on Lambda, a clock that jumps ahead in tests. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    /** How a series of attempts ended. {@code retryAfter} is the receiver's wish when it gave one. */
    record Outcome(Result result, int attempts, Integer lastStatus, String lastError, Duration retryAfter) {}

    /** The longest {@code Retry-After} waited for inside an invocation; longer ones are left to redelivery. */
    static final Duration MAX_IN_INVOCATION_WAIT = Duration.ofSeconds(10);
    static final List<Duration> DEFAULT_BACKOFF = List.of(Duration.ofMillis(500), Duration.ofSeconds(2));
    /** Kept free at the end of an invocation to record the outcome. */
    private static final Duration RESERVE = Duration.ofSeconds(2);

    private final URI url;
    private final WebhookPost post;
    private final Duration timeout;
    private final List<Duration> backoff;
    private final Clock clock;
    private final Sleeper sleeper;

    WebhookClient(URI url, WebhookSigner signer, Duration timeout, List<Duration> backoff, Clock clock, Sleeper sleeper) {
        this.url = url;
        try {
            this.post = new WebhookPost(url.toURL(), signer, clock);
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("webhook URL " + target() + " is not a URL", e);
        }
        this.timeout = timeout;
        this.backoff = List.copyOf(backoff);
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /** The receiver's address without query string, for logs. */
    String target() {
        return url.getScheme() + "://" + url.getRawAuthority() + url.getRawPath();
    }

    Outcome send(String webhookId, byte[] body, Instant deadline) {
        int attempts = 0;
        Integer lastStatus = null;
        String lastError = null;
        Duration retryAfter = null;
        while (true) {
            Duration attemptTimeout = fit(timeout, deadline);
            if (attemptTimeout == null) {
                return new Outcome(Result.RETRYABLE, attempts, lastStatus,
                        lastError != null ? lastError : "no time left in the invocation", retryAfter);
            }
            attempts++;
            try {
                WebhookPost.Response response = post.send(webhookId, body, attemptTimeout);
                int status = response.status();
                lastStatus = status;
                lastError = null;
                if (status >= 200 && status < 300) {
                    return new Outcome(Result.DELIVERED, attempts, status, null, null);
                }
                if (status == 410) {
                    return new Outcome(Result.GONE, attempts, status, "receiver answered 410 Gone", null);
                }
                if (!isRetryable(status)) {
                    return new Outcome(Result.REJECTED, attempts, status, "receiver answered " + status, null);
                }
                lastError = "receiver answered " + status;
                retryAfter = response.retryAfter() == null ? null : parseRetryAfter(response.retryAfter());
            } catch (SocketTimeoutException e) {
                lastStatus = null;
                lastError = "timed out after " + attemptTimeout;
                retryAfter = null;
            } catch (IOException e) {
                lastStatus = null;
                lastError = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
                retryAfter = null;
            }

            if (attempts > backoff.size()) {
                return new Outcome(Result.RETRYABLE, attempts, lastStatus, lastError, retryAfter);
            }
            Duration wait = backoff.get(attempts - 1);
            if (retryAfter != null) {
                if (retryAfter.compareTo(MAX_IN_INVOCATION_WAIT) > 0) {
                    return new Outcome(Result.RETRYABLE, attempts, lastStatus, lastError, retryAfter);
                }
                wait = retryAfter.compareTo(wait) > 0 ? retryAfter : wait;
            }
            if (clock.instant().plus(wait).plus(RESERVE).isAfter(deadline)) {
                return new Outcome(Result.RETRYABLE, attempts, lastStatus, lastError, retryAfter);
            }
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Outcome(Result.RETRYABLE, attempts, lastStatus, "interrupted", retryAfter);
            }
        }
    }

    /**
     * The read timeout of the next attempt: at most {@code wanted}, and short enough that the attempt, with the
     * JDK's one resend (two connects and two reads), ends before the deadline with time left to record the
     * outcome. Null when less than a second would be left to read.
     */
    private Duration fit(Duration wanted, Instant deadline) {
        long perSend = Duration.between(clock.instant(), deadline).minus(RESERVE).toMillis() / 2;
        Duration read = Duration.ofMillis(perSend).minus(WebhookPost.MAX_CONNECT_TIMEOUT);
        if (read.compareTo(WebhookPost.MAX_CONNECT_TIMEOUT) < 0) {
            read = Duration.ofMillis(perSend / 2); // the connect timeout is then as short as the read timeout
        }
        if (read.compareTo(Duration.ofSeconds(1)) < 0) {
            return null;
        }
        return read.compareTo(wanted) < 0 ? read : wanted;
    }

    static boolean isRetryable(int status) {
        return status == 408 || status == 425 || status == 429 || status >= 500;
    }

    private Duration parseRetryAfter(String value) {
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value.strip())));
        } catch (NumberFormatException notSeconds) {
            try {
                var when = ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration wait = Duration.between(clock.instant(), when);
                return wait.isNegative() ? Duration.ZERO : wait;
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }
}
