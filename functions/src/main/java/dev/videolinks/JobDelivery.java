package dev.videolinks;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Delivers one completed job: takes the job's lease, presigns every video, sends the signed webhook and records
 * the outcome in the {@link DeliveryLedger}. The completion function calls {@link #deliver}; the scheduled
 * redelivery calls {@link #redeliver} for deliveries that are due, until the give-up window closes.
 *
 * <p>A job's webhook carries all its videos. It is sent when the job becomes complete, and again whenever the set
 * of its videos changes (one added, one replaced by a new version) under a new webhook id; a set that changes
 * while another is being sent waits and is sent after it, so a burst of changes makes two webhooks, not one per
 * change. Duplicates, stale events and removals send nothing.
 */
final class JobDelivery {

    /** What happened to a job's webhook in this invocation. */
    record Result(String jobId, String webhookId, Delivery.State state, int attempts, Integer lastStatus,
            String lastError, boolean alreadyDelivered, boolean retryByLambda) {

        static Result pending(String jobId, String webhookId) {
            return new Result(jobId, webhookId, Delivery.State.PENDING, 0, null, null, false, false);
        }

        /** A webhook delivered or given up on before this invocation: nothing sent now. */
        static Result settled(String jobId, String webhookId, Delivery settled) {
            return new Result(jobId, webhookId, settled.state(), settled.attempts(), settled.lastStatus(), null, true, false);
        }

        static Result abandoned(String jobId, String webhookId, int attempts, Integer lastStatus, String reason) {
            return new Result(jobId, webhookId, Delivery.State.ABANDONED, attempts, lastStatus, reason, false, false);
        }

        /** What this invocation's attempts left; {@code retryByLambda} asks Lambda to retry the invocation. */
        static Result sent(String jobId, String webhookId, Delivery.State state, int attempts, WebhookClient.Outcome outcome,
                boolean retryByLambda) {
            return new Result(jobId, webhookId, state, attempts, outcome.lastStatus(), outcome.lastError(), false, retryByLambda);
        }

        boolean needsRetry() {
            return retryByLambda;
        }
    }

    /** Sets of videos that changed while this invocation tried to send them are read again this many times. */
    private static final int MAX_ROUNDS = 3;

    private final DeliveryLedger ledger;
    private final VideoTable table;
    private final VideoUrlSigner signer;
    private final WebhookClient webhook;
    private final Duration urlTtl;
    private final Duration giveUpAfter;
    private final Clock clock;

    JobDelivery(DeliveryLedger ledger, VideoTable table, VideoUrlSigner signer, WebhookClient webhook, Duration urlTtl,
            Duration giveUpAfter, Clock clock) {
        this.ledger = ledger;
        this.table = table;
        this.signer = signer;
        this.webhook = webhook;
        this.urlTtl = urlTtl;
        this.giveUpAfter = giveUpAfter;
        this.clock = clock;
    }

    /**
     * The delivery of a completed job's videos, or a repeat of it after a duplicate event or a Lambda retry.
     * {@code lease}: the one the write that recorded the job's only video took, or null.
     */
    Result deliver(Job job, DeliveryLedger.Lease lease, Instant deadline, Log log) {
        String webhookId = job.webhookId();
        if (lease != null && job.delivery().map(Delivery::webhookId).orElse("").equals(webhookId)) {
            return send(job, webhookId, lease, deadline, log, true);
        }
        for (int round = 0; round < MAX_ROUNDS; round++) {
            var started = ledger.begin(job, webhookId, clock.instant(), DeliverySchedule.leaseUntil(deadline));
            Job now = started.job();
            switch (started.start()) {
                case ACQUIRED -> {
                    return send(now, webhookId, started.lease(), deadline, log, true);
                }
                case SETTLED -> {
                    Delivery settled = now.delivery().orElseThrow();
                    log.info("webhook.already_settled", "job_id", job.jobId(), "webhook_id", webhookId, "state", settled.state());
                    return Result.settled(job.jobId(), webhookId, settled);
                }
                case SENDING_ELSEWHERE -> {
                    // Another instance is sending this very webhook; if it fails, the delivery is due when its lease ends.
                    log.info("webhook.leased_elsewhere", "job_id", job.jobId(), "webhook_id", webhookId);
                    return Result.pending(job.jobId(), webhookId);
                }
                case QUEUED -> {
                    log.info("webhook.queued", "job_id", job.jobId(), "webhook_id", webhookId,
                            "reason", "an earlier set of the job's videos is being sent; this one follows it");
                    return Result.pending(job.jobId(), webhookId);
                }
                case STALE -> {
                    if (!now.isComplete()) {
                        log.info("job.waiting", "job_id", job.jobId(), "videos", now.videos().size(),
                                "expected", now.expectedVideos());
                        return Result.pending(job.jobId(), webhookId);
                    }
                    job = now;
                    webhookId = job.webhookId();
                }
            }
        }
        throw new IllegalStateException("the videos of job " + job.jobId() + " kept changing while it was delivered");
    }

    /**
     * A due delivery, leased by the caller: sent again with freshly signed URLs, for the job's videos as they are
     * now (under their webhook id), or abandoned once the give-up window has passed.
     */
    Result redeliver(Job job, Instant deadline, Log log) {
        Delivery delivery = job.delivery().orElseThrow();
        var lease = new DeliveryLedger.Lease(delivery.leaseToken(), delivery.leaseUntil());
        Instant now = clock.instant();
        if (!job.isComplete()) {
            // Every video was removed, or the job announced more since: nothing complete to send now.
            ledger.outcomes().abandon(job.jobId(), delivery.webhookId(), lease, "superseded: the job is no longer complete", now);
            log.info("webhook.dropped", "job_id", job.jobId(), "webhook_id", delivery.webhookId(),
                    "reason", "the job is no longer complete");
            return Result.abandoned(job.jobId(), delivery.webhookId(), delivery.attempts(), null, "superseded");
        }
        String webhookId = job.webhookId();
        if (!webhookId.equals(delivery.webhookId())) {
            if (!ledger.retarget(job.jobId(), lease, delivery.webhookId(), webhookId, now)) {
                return Result.pending(job.jobId(), webhookId);
            }
            log.info("webhook.retargeted", "job_id", job.jobId(), "from_webhook_id", delivery.webhookId(),
                    "webhook_id", webhookId, "reason", "the job's videos changed since the delivery was due");
            return send(table.job(job.jobId()).orElseThrow(), webhookId, lease, deadline, log, false);
        }
        Instant firstAttempt = delivery.firstAttemptAt() == null ? now : delivery.firstAttemptAt();
        if (!now.isBefore(firstAttempt.plus(giveUpAfter))) {
            String reason = "gave up after " + giveUpAfter + " and " + delivery.attempts() + " attempts; last: "
                    + (delivery.lastError() != null ? delivery.lastError() : "status " + delivery.lastStatus());
            if (ledger.outcomes().abandon(job.jobId(), webhookId, lease, reason, now)) {
                log.error("webhook.abandoned", "job_id", job.jobId(), "webhook_id", webhookId,
                        "attempts", delivery.attempts(), "reason", reason, "target", webhook.target());
                log.metric("AbandonedDeliveries", 1, "job_id", job.jobId());
            }
            return Result.abandoned(job.jobId(), webhookId, delivery.attempts(), delivery.lastStatus(), reason);
        }
        return send(job, webhookId, lease, deadline, log, false);
    }

    /** Sends the job's webhook under the caller's lease and records what the receiver said, if the lease still holds. */
    private Result send(Job job, String webhookId, DeliveryLedger.Lease lease, Instant deadline, Log log,
            boolean retryByLambda) {
        Delivery before = job.delivery().orElseThrow();
        List<VideoLink> links = job.videos().stream()
                .map(video -> VideoLink.of(video, signer.sign(video, urlTtl, UrlSigner.Disposition.INLINE),
                        video.poster().map(poster -> signer.sign(poster, urlTtl, UrlSigner.Disposition.INLINE)).orElse(null)))
                .toList();
        byte[] body = Json.write(WebhookPayload.completed(job.jobId(), job.owner(), links, clock.instant()));
        WebhookClient.Outcome outcome = webhook.send(webhookId, body, deadline);

        int attempts = before.attempts() + outcome.attempts();
        Instant now = clock.instant();
        Delivery.State state = switch (outcome.result()) {
            case DELIVERED -> Delivery.State.DELIVERED;
            case GONE -> Delivery.State.ABANDONED;
            case RETRYABLE, REJECTED -> Delivery.State.FAILED;
        };
        Instant firstAttempt = before.firstAttemptAt() == null ? now : before.firstAttemptAt();
        Instant next = state == Delivery.State.FAILED ? DeliverySchedule.nextAttempt(firstAttempt, now, outcome.retryAfter(), giveUpAfter) : null;
        var written = ledger.outcomes().record(job.jobId(), new DeliveryOutcomes.Outcome(webhookId, lease, state,
                outcome.attempts(), outcome.lastStatus(), outcome.lastError(), next), now);

        Object[] fields = {"job_id", job.jobId(), "webhook_id", webhookId, "state", state, "attempts", attempts,
                "last_status", outcome.lastStatus(), "last_error", outcome.lastError(),
                "next_attempt_at", next, "target", webhook.target(), "keys", job.videos().stream().map(Video::key).toList()};
        switch (written) {
            case SUPERSEDED -> {
                // A newer set of the job's videos waits behind this one: let it go now rather than at the lease's end.
                log.info("webhook.superseded", fields);
                ledger.release(job.jobId(), lease, now);
                return Result.sent(job.jobId(), webhookId, state, attempts, outcome, false);
            }
            case LEASE_LOST -> {
                // Another sender took the lease over: its outcome is the one the table keeps.
                log.warn("webhook.outcome_not_recorded", fields);
                return Result.sent(job.jobId(), webhookId, state, attempts, outcome, false);
            }
            case RECORDED -> { }
        }
        switch (state) {
            case DELIVERED -> log.info("webhook.delivered", fields);
            case ABANDONED -> log.error("webhook.gone", fields);
            default -> log.error("webhook.failed", fields);
        }
        return Result.sent(job.jobId(), webhookId, state, attempts, outcome, retryByLambda && state == Delivery.State.FAILED);
    }
}
