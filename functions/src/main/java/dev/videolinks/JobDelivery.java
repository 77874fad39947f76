package dev.videolinks;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * Delivers one completed job: presigns every video, sends the signed webhook and keeps the delivery state in
 * the table before and after sending.
 */
final class JobDelivery {

    /** What happened to a job's webhook in this invocation. */
    record Result(String jobId, String webhookId, Delivery.State state, int attempts, Integer lastStatus,
            String lastError, boolean alreadyDelivered) {

        boolean needsRetry() {
            return state == Delivery.State.FAILED || state == Delivery.State.PENDING;
        }
    }

    /** When the next attempt series is due after n failed attempts: seconds, minutes, then hours. */
    private static final List<Duration> SCHEDULE = List.of(Duration.ofSeconds(5), Duration.ofMinutes(5),
            Duration.ofMinutes(30), Duration.ofHours(2), Duration.ofHours(5), Duration.ofHours(10));

    private final VideoTable table;
    private final UrlSigner signer;
    private final WebhookClient webhook;
    private final Duration urlTtl;
    private final Clock clock;

    JobDelivery(VideoTable table, UrlSigner signer, WebhookClient webhook, Duration urlTtl, Clock clock) {
        this.table = table;
        this.signer = signer;
        this.webhook = webhook;
        this.urlTtl = urlTtl;
        this.clock = clock;
    }

    Result deliver(Job job, Instant deadline, Log log) {
        String jobId = job.jobId();
        List<Video> ordered = job.currentVideos();
        String webhookId = webhookId(jobId, ordered);
        var existing = job.delivery();
        if (existing.isPresent() && existing.get().isDelivered(webhookId)) {
            log.info("webhook.already_delivered", "job_id", jobId, "webhook_id", webhookId);
            return new Result(jobId, webhookId, Delivery.State.DELIVERED, existing.get().attempts(),
                    existing.get().lastStatus(), null, true);
        }
        int previousAttempts = existing.filter(d -> d.webhookId().equals(webhookId)).map(Delivery::attempts).orElse(0);
        String userId = job.userId();
        if (!table.beginDelivery(jobId, webhookId, previousAttempts, clock.instant())) {
            log.info("webhook.already_delivered", "job_id", jobId, "webhook_id", webhookId);
            return new Result(jobId, webhookId, Delivery.State.DELIVERED, previousAttempts, null, null, true);
        }

        List<VideoLink> links = ordered.stream()
                .map(video -> VideoLink.of(video, signer.sign(video, urlTtl, UrlSigner.Disposition.INLINE)))
                .toList();
        byte[] body = body(WebhookPayload.completed(jobId, userId, links, clock.instant()));
        WebhookClient.Outcome outcome = webhook.send(webhookId, body, deadline);

        int attempts = previousAttempts + outcome.attempts();
        Instant now = clock.instant();
        Delivery.State state = switch (outcome.result()) {
            case DELIVERED -> Delivery.State.DELIVERED;
            case GONE -> Delivery.State.ABANDONED;
            case RETRYABLE, REJECTED -> Delivery.State.FAILED;
        };
        Instant nextAttempt = state == Delivery.State.FAILED ? now.plus(nextDelay(attempts, outcome.retryAfter())) : null;
        table.recordOutcome(jobId, webhookId, state, attempts, outcome.lastStatus(), outcome.lastError(), nextAttempt, now);

        Object[] fields = {"job_id", jobId, "webhook_id", webhookId, "state", state, "attempts", attempts,
                "last_status", outcome.lastStatus(), "last_error", outcome.lastError(), "target", webhook.target(),
                "keys", ordered.stream().map(Video::key).toList()};
        if (state == Delivery.State.DELIVERED) {
            log.info("webhook.delivered", fields);
        } else {
            log.error("webhook.failed", fields);
        }
        return new Result(jobId, webhookId, state, attempts, outcome.lastStatus(), outcome.lastError(), false);
    }

    /**
     * The same job with the same video versions always gets the same id, so every retry and duplicate carries
     * it; a new version of any video makes a new id.
     */
    static String webhookId(String jobId, List<Video> videos) {
        try {
            var digest = MessageDigest.getInstance("SHA-256");
            digest.update(jobId.getBytes(StandardCharsets.UTF_8));
            videos.stream().sorted(Comparator.comparing(Video::key)).forEach(video -> {
                digest.update((byte) 0);
                digest.update(video.key().getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
                digest.update(video.version().getBytes(StandardCharsets.UTF_8));
            });
            byte[] hash = digest.digest();
            return "msg_" + HexFormat.of().formatHex(hash, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    static Duration nextDelay(int attempts, Duration retryAfter) {
        Duration scheduled = SCHEDULE.get(Math.min(Math.max(attempts, 1), SCHEDULE.size()) - 1);
        return retryAfter != null && retryAfter.compareTo(scheduled) > 0 ? retryAfter : scheduled;
    }

    private static byte[] body(WebhookPayload payload) {
        try {
            return Json.MAPPER.writeValueAsString(payload).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("webhook payload is not serializable", e);
        }
    }
}
