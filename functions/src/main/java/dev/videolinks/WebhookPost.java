package dev.videolinks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.time.Clock;
import java.time.Duration;

/**
 * One signed POST of a webhook, the attempt {@link WebhookClient} repeats.
 *
 * <p>It posts with {@link HttpURLConnection}, which the SDK's HTTP client loads anyway, in one write, headers and
 * body together (streaming the body separately holds it back behind the headers' acknowledgement), on a
 * connection kept alive between invocations. One JDK behaviour comes with that choice, and is kept on purpose:
 * when a connection closes after the request was written and before any answer (typically a kept-alive
 * connection the receiver had just closed), the JDK sends the POST once more at once. That rescues the common
 * stale-connection case without a failed attempt, and a second copy carries the same {@code webhook-id}, which
 * receivers deduplicate on (SPEC §3). Its cost is time, and it is counted: an attempt only starts when two
 * connects and two reads of its timeouts still end before the deadline, so a series, resends included, stops
 * before its invocation's deadline, and with it before its lease ends.
 */
final class WebhookPost {

    static final Duration MAX_CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final URL endpoint;
    private final WebhookSigner signer;
    private final Clock clock;

    WebhookPost(URL endpoint, WebhookSigner signer, Clock clock) {
        this.endpoint = endpoint;
        this.signer = signer;
        this.clock = clock;
    }

    /** The receiver's status and {@code Retry-After}. */
    record Response(int status, String retryAfter) {}

    /** One POST; every wait (connecting, each read) is bounded by {@code attemptTimeout}. */
    Response send(String webhookId, byte[] body, Duration attemptTimeout) throws IOException {
        long timestamp = clock.instant().getEpochSecond();
        var connection = (HttpURLConnection) endpoint.openConnection();
        int timeoutMillis = (int) attemptTimeout.toMillis();
        connection.setConnectTimeout(Math.min(timeoutMillis, (int) MAX_CONNECT_TIMEOUT.toMillis()));
        connection.setReadTimeout(timeoutMillis);
        connection.setInstanceFollowRedirects(false);
        connection.setUseCaches(false);
        connection.setRequestMethod("POST");
        connection.setDoOutput(true);
        connection.setRequestProperty("Content-Type", "application/json");
        connection.setRequestProperty("User-Agent", "video-links");
        connection.setRequestProperty("webhook-id", webhookId);
        connection.setRequestProperty("webhook-timestamp", Long.toString(timestamp));
        if (signer.signs()) {
            connection.setRequestProperty("webhook-signature", signer.signature(webhookId, timestamp, body));
        }
        try (OutputStream out = connection.getOutputStream()) {
            out.write(body);
        }
        int status = connection.getResponseCode();
        String retryAfter = connection.getHeaderField("Retry-After");
        // Read the answer to its end, so that the connection can be kept alive for the next webhook.
        try (InputStream answer = status < 400 ? connection.getInputStream() : connection.getErrorStream()) {
            if (answer != null) {
                answer.transferTo(OutputStream.nullOutputStream());
            }
        }
        return new Response(status, retryAfter);
    }
}
