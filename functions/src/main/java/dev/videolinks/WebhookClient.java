package dev.videolinks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
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
 * other 4xx end the series; 410 says the receiver wants no more.
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

    private final HttpClient http;
    private final URI url;
    private final WebhookSigner signer;
    private final Duration timeout;
    private final List<Duration> backoff;
    private final Clock clock;
    private final Sleeper sleeper;

    WebhookClient(HttpClient http, URI url, WebhookSigner signer, Duration timeout, List<Duration> backoff, Clock clock,
            Sleeper sleeper) {
        this.http = http;
        this.url = url;
        this.signer = signer;
        this.timeout = timeout;
        this.backoff = List.copyOf(backoff);
        this.clock = clock;
        this.sleeper = sleeper;
    }

    static HttpClient httpClient(Duration timeout) {
        return HttpClient.newBuilder()
                .connectTimeout(timeout.compareTo(Duration.ofSeconds(5)) < 0 ? timeout : Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
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
                HttpResponse<Void> response = http.send(request(webhookId, body, attemptTimeout),
                        HttpResponse.BodyHandlers.discarding());
                int status = response.statusCode();
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
                retryAfter = response.headers().firstValue("retry-after").map(this::parseRetryAfter).orElse(null);
            } catch (HttpTimeoutException e) {
                lastStatus = null;
                lastError = "timed out after " + attemptTimeout;
                retryAfter = null;
            } catch (IOException e) {
                lastStatus = null;
                lastError = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
                retryAfter = null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Outcome(Result.RETRYABLE, attempts, lastStatus, "interrupted", retryAfter);
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

    private HttpRequest request(String webhookId, byte[] body, Duration attemptTimeout) {
        long timestamp = clock.instant().getEpochSecond();
        var request = HttpRequest.newBuilder(url)
                .timeout(attemptTimeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "video-links")
                .header("webhook-id", webhookId)
                .header("webhook-timestamp", Long.toString(timestamp))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (signer.signs()) {
            request.header("webhook-signature", signer.signature(webhookId, timestamp, body));
        }
        return request.build();
    }

    /** The attempt timeout that still leaves time to record the outcome, or null when none is left. */
    private Duration fit(Duration wanted, Instant deadline) {
        Duration left = Duration.between(clock.instant(), deadline).minus(RESERVE);
        if (left.compareTo(Duration.ofSeconds(1)) < 0) {
            return null;
        }
        return left.compareTo(wanted) < 0 ? left : wanted;
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
