package dev.videolinks;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Delivers one completed job: takes the job's lease, presigns every video, sends the signed webhook and keeps
 * the delivery state in the table. The completion function calls {@link #deliver}; the scheduled redelivery
 * calls {@link #redeliver} for deliveries that are due, until the give-up window closes.
 */
final class JobDelivery {

    /** What happened to a job's webhook in this invocation. */
    record Result(String jobId, String webhookId, Delivery.State state, int attempts, Integer lastStatus,
            String lastError, boolean alreadyDelivered, boolean retryByLambda) {

        boolean needsRetry() {
            return retryByLambda;
        }
    }

    /**
     * When the next attempt series is due, counted from the first attempt, in the spirit of Standard Webhooks:
     * seconds, minutes, then hours. After the last, the give-up check.
     */
    static final List<Duration> SCHEDULE = List.of(Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofMinutes(35),
            Duration.ofMinutes(155), Duration.ofMinutes(455), Duration.ofMinutes(1055));

    private final VideoTable table;
    private final UrlSigner signer;
    private final WebhookClient webhook;
    private final Duration urlTtl;
    private final Duration giveUpAfter;
    private final Duration lease;
    private final Clock clock;

    JobDelivery(VideoTable table, UrlSigner signer, WebhookClient webhook, Duration urlTtl, Duration giveUpAfter,
            Duration lease, Clock clock) {
        this.table = table;
        this.signer = signer;
        this.webhook = webhook;
        this.urlTtl = urlTtl;
        this.giveUpAfter = giveUpAfter;
        this.lease = lease;
        this.clock = clock;
    }

    /**
     * The delivery of a function that sends webhooks, wired from its configuration: {@code backoff} is the
     * waits between attempts inside one invocation (none for the scheduled redelivery).
     */
    static JobDelivery create(Config config, Config.Webhook settings, VideoTable table, S3Presigner presigner,
            AwsCredentialsProvider credentials, List<Duration> backoff, Clock clock, WebhookClient.Sleeper sleeper) {
        var webhook = new WebhookClient(settings.url(),
                new WebhookSigner(settings.secrets()), settings.timeout(), backoff, clock, sleeper);
        return new JobDelivery(table, new UrlSigner(presigner, credentials), webhook, config.urlTtl(),
                settings.giveUpAfter(), settings.lease(), clock);
    }

    /**
     * The first delivery of a completed job, or a repeat of it after a duplicate event or a Lambda retry.
     * {@code leased}: the write that recorded the job's only video already took the lease for it.
     */
    Result deliver(Job job, boolean leased, Instant deadline, Log log) {
        List<Video> videos = job.currentVideos();
        String webhookId = webhookId(job.jobId(), videos);
        var existing = job.delivery().filter(d -> d.webhookId().equals(webhookId));
        if (leased && existing.isPresent()) {
            return send(job.jobId(), job.userId(), videos, webhookId, 0, existing.get().firstAttemptAt(), deadline, log, true);
        }
        if (existing.isPresent() && existing.get().isSettled(webhookId)) {
            log.info("webhook.already_settled", "job_id", job.jobId(), "webhook_id", webhookId, "state", existing.get().state());
            return settled(job.jobId(), webhookId, existing.get());
        }
        int previousAttempts = existing.map(Delivery::attempts).orElse(0);
        Instant now = clock.instant();
        switch (table.beginDelivery(job.jobId(), webhookId, previousAttempts, existing.isEmpty(), now, lease)) {
            case ACQUIRED -> { }
            case SETTLED -> {
                log.info("webhook.already_settled", "job_id", job.jobId(), "webhook_id", webhookId);
                return new Result(job.jobId(), webhookId, Delivery.State.DELIVERED, previousAttempts, null, null, true, false);
            }
            case HELD_FOR_SAME_ID -> {
                // Another instance is sending this very webhook; if it fails, the delivery is due when its lease ends.
                log.info("webhook.leased_elsewhere", "job_id", job.jobId(), "webhook_id", webhookId);
                return new Result(job.jobId(), webhookId, Delivery.State.PENDING, previousAttempts, null, null, false, false);
            }
            case HELD_FOR_OTHER_ID -> {
                log.warn("webhook.waiting_for_lease", "job_id", job.jobId(), "webhook_id", webhookId,
                        "reason", "an older version of the job is being delivered");
                return new Result(job.jobId(), webhookId, Delivery.State.PENDING, previousAttempts, null,
                        "an older version of the job is being delivered", false, true);
            }
        }
        Instant firstAttempt = existing.map(Delivery::firstAttemptAt).filter(t -> t != null).orElse(now);
        return send(job.jobId(), job.userId(), videos, webhookId, previousAttempts, firstAttempt, deadline, log, true);
    }

    /**
     * A due delivery, leased by the caller: sent again with freshly signed URLs under the same webhook id, or
     * abandoned once the give-up window has passed.
     */
    Result redeliver(Job job, Instant deadline, Log log) {
        Delivery delivery = job.delivery().orElseThrow();
        List<Video> videos = job.currentVideos();
        Instant now = clock.instant();
        Instant firstAttempt = delivery.firstAttemptAt() == null ? now : delivery.firstAttemptAt();
        if (videos.isEmpty() || !delivery.webhookId().equals(webhookId(job.jobId(), videos))) {
            // Every video was removed, or a newer version replaced one: that version is delivered on its own.
            table.abandon(job.jobId(), delivery.webhookId(), "superseded: the job's videos changed", now);
            log.info("webhook.superseded", "job_id", job.jobId(), "webhook_id", delivery.webhookId());
            return new Result(job.jobId(), delivery.webhookId(), Delivery.State.ABANDONED, delivery.attempts(), null,
                    "superseded", false, false);
        }
        if (!now.isBefore(firstAttempt.plus(giveUpAfter))) {
            String reason = "gave up after " + giveUpAfter + " and " + delivery.attempts() + " attempts; last: "
                    + (delivery.lastError() != null ? delivery.lastError() : "status " + delivery.lastStatus());
            if (table.abandon(job.jobId(), delivery.webhookId(), reason, now)) {
                log.error("webhook.abandoned", "job_id", job.jobId(), "webhook_id", delivery.webhookId(),
                        "attempts", delivery.attempts(), "reason", reason, "target", webhook.target());
                log.metric("AbandonedDeliveries", 1, "job_id", job.jobId());
            }
            return new Result(job.jobId(), delivery.webhookId(), Delivery.State.ABANDONED, delivery.attempts(),
                    delivery.lastStatus(), reason, false, false);
        }
        return send(job.jobId(), job.userId(), videos, delivery.webhookId(), delivery.attempts(), firstAttempt, deadline,
                log, false);
    }

    private Result send(String jobId, String userId, List<Video> videos, String webhookId, int previousAttempts,
            Instant firstAttempt, Instant deadline, Log log, boolean retryByLambda) {
        List<VideoLink> links = videos.stream()
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
        Instant next = state == Delivery.State.FAILED ? nextAttempt(firstAttempt, now, outcome.retryAfter(), giveUpAfter) : null;
        table.recordOutcome(jobId, webhookId, state, attempts, outcome.lastStatus(), outcome.lastError(), next, now);

        Object[] fields = {"job_id", jobId, "webhook_id", webhookId, "state", state, "attempts", attempts,
                "last_status", outcome.lastStatus(), "last_error", outcome.lastError(),
                "next_attempt_at", next, "target", webhook.target(), "keys", videos.stream().map(Video::key).toList()};
        switch (state) {
            case DELIVERED -> log.info("webhook.delivered", fields);
            case ABANDONED -> log.error("webhook.gone", fields);
            default -> log.error("webhook.failed", fields);
        }
        return new Result(jobId, webhookId, state, attempts, outcome.lastStatus(), outcome.lastError(), false,
                retryByLambda && state == Delivery.State.FAILED);
    }

    private static Result settled(String jobId, String webhookId, Delivery delivery) {
        return new Result(jobId, webhookId, delivery.state(), delivery.attempts(), delivery.lastStatus(), null, true, false);
    }

    /**
     * The next step of {@link #SCHEDULE} after now, later if the receiver asked (Retry-After), never after the
     * end of the give-up window (when the delivery is abandoned if still undelivered).
     */
    static Instant nextAttempt(Instant firstAttempt, Instant now, Duration retryAfter, Duration giveUpAfter) {
        Instant giveUp = firstAttempt.plus(giveUpAfter);
        Instant next = SCHEDULE.stream().map(firstAttempt::plus).filter(now::isBefore).findFirst().orElse(giveUp);
        if (retryAfter != null && now.plus(retryAfter).isAfter(next)) {
            next = now.plus(retryAfter);
        }
        return next.isAfter(giveUp) ? giveUp : next;
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
            return "msg_" + HexFormat.of().formatHex(digest.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static byte[] body(WebhookPayload payload) {
        return Json.write(payload);
    }
}
