package dev.videolinks;

import dev.videolinks.store.Deliveries;
import dev.videolinks.store.Lease;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Delivers one complete job: holds the job's lease, presigns every video, sends the signed webhook and records
 * the outcome ({@link Deliveries}). The completion function calls {@link #deliver}; the scheduled redelivery calls
 * {@link #redeliver} for deliveries that are due, until the give-up window closes.
 *
 * <p>A job's webhook carries all its videos. It is sent when the job becomes complete, and again, under a new
 * webhook id, whenever its complete set of videos changes (one added, replaced by a new version, removed, or moved
 * to another job); a set that changes while another is being sent waits and is sent after it, so a burst of
 * changes makes two webhooks, not one per change. Duplicates and stale events send nothing.
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

    private final Deliveries deliveries;
    private final VideoUrlSigner signer;
    private final WebhookClient webhook;
    private final Duration urlTtl;
    private final Duration giveUpAfter;
    private final Clock clock;

    JobDelivery(Deliveries deliveries, VideoUrlSigner signer, WebhookClient webhook, Duration urlTtl, Duration giveUpAfter,
            Clock clock) {
        this.deliveries = deliveries;
        this.signer = signer;
        this.webhook = webhook;
        this.urlTtl = urlTtl;
        this.giveUpAfter = giveUpAfter;
        this.clock = clock;
    }

    /**
     * The webhook of a complete job's current videos, as the write that recorded them set its delivery up, or a
     * repeat of it after a duplicate event or a Lambda retry. {@code lease}: the one that write took, or null.
     */
    Result deliver(Job job, Lease lease, VideoRecorder.Invocation invocation, Log log) {
        Delivery delivery = job.delivery().orElse(null);
        if (delivery == null) {
            return Result.pending(job.jobId(), job.webhookId());
        }
        String webhookId = delivery.webhookId();
        if (lease != null) {
            return send(job, webhookId, lease, invocation.deadline(), log, true);
        }
        var leased = deliveries.lease(job, invocation.sender(clock.instant()));
        return switch (leased.start()) {
            case ACQUIRED -> send(leased.job(), webhookId, leased.lease(), invocation.deadline(), log, true);
            case SETTLED -> {
                Delivery settled = leased.job().delivery().orElseThrow();
                log.info("webhook.already_settled", "job_id", job.jobId(), "webhook_id", webhookId, "state", settled.state());
                yield Result.settled(job.jobId(), webhookId, settled);
            }
            case LEASED_ELSEWHERE -> {
                // Another invocation is sending; if it fails, the delivery is due when its lease ends.
                log.info("webhook.leased_elsewhere", "job_id", job.jobId(), "webhook_id", webhookId);
                yield Result.pending(job.jobId(), webhookId);
            }
            case STALE -> {
                // The job's videos changed meanwhile: the write that changed them started their own delivery.
                log.info("webhook.superseded", "job_id", job.jobId(), "webhook_id", webhookId,
                        "reason", "the job's videos changed since they were read");
                yield Result.pending(job.jobId(), webhookId);
            }
        };
    }

    /**
     * A due delivery, leased by the caller: sent again with freshly signed URLs, or abandoned once the give-up
     * window has passed.
     */
    Result redeliver(Job job, Instant deadline, Log log) {
        Delivery delivery = job.delivery().orElseThrow();
        Lease lease = Deliveries.lease(job);
        Instant now = clock.instant();
        String webhookId = delivery.webhookId();
        if (!job.isComplete() || !webhookId.equals(job.webhookId())) {
            // Not a state any write leaves due: the write that changes a job's videos starts or supersedes its delivery.
            deliveries.abandon(job.jobId(), webhookId, lease, "superseded: the job's videos are no longer this set", now);
            log.warn("webhook.dropped", "job_id", job.jobId(), "webhook_id", webhookId,
                    "reason", "the delivery was due for a set of videos the job no longer has");
            return Result.abandoned(job.jobId(), webhookId, delivery.attempts(), null, "superseded");
        }
        Instant firstAttempt = delivery.firstAttemptAt() == null ? now : delivery.firstAttemptAt();
        if (!now.isBefore(firstAttempt.plus(giveUpAfter))) {
            String reason = "gave up after " + giveUpAfter + " and " + delivery.attempts() + " attempts; last: "
                    + (delivery.lastError() != null ? delivery.lastError() : "status " + delivery.lastStatus());
            if (deliveries.abandon(job.jobId(), webhookId, lease, reason, now)) {
                log.error("webhook.abandoned", "job_id", job.jobId(), "webhook_id", webhookId,
                        "attempts", delivery.attempts(), "reason", reason, "target", webhook.target());
                log.metric("AbandonedDeliveries", 1, "job_id", job.jobId());
            }
            return Result.abandoned(job.jobId(), webhookId, delivery.attempts(), delivery.lastStatus(), reason);
        }
        return send(job, webhookId, lease, deadline, log, false);
    }

    /** Sends the job's webhook under the caller's lease and records what the receiver said, if the lease still holds. */
    private Result send(Job job, String webhookId, Lease lease, Instant deadline, Log log,
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
        var written = deliveries.record(job.jobId(), new Deliveries.Outcome(webhookId, lease, state,
                outcome.attempts(), outcome.lastStatus(), outcome.lastError(), next), now);

        Object[] fields = {"job_id", job.jobId(), "webhook_id", webhookId, "state", state, "attempts", attempts,
                "last_status", outcome.lastStatus(), "last_error", outcome.lastError(),
                "next_attempt_at", next, "target", webhook.target(), "keys", job.videos().stream().map(Video::key).toList()};
        switch (written) {
            case SUPERSEDED -> {
                // A newer set of the job's videos waits behind this one: let it go now rather than at the lease's end.
                log.info("webhook.superseded", fields);
                deliveries.release(job.jobId(), lease, now);
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
