package dev.videolinks;

import java.time.Instant;

/**
 * The delivery of a job's webhook for its current set of videos, kept beside them so that nothing is lost.
 * {@code leaseToken} grows with every lease taken: only the holder of the current token may record an outcome (a
 * fencing token). {@code leaseHolder} is the invocation (its request id) that took the lease.
 */
public record Delivery(
        String jobId,
        String webhookId,
        State state,
        int attempts,
        Integer lastStatus,
        String lastError,
        Instant firstAttemptAt,
        Instant nextAttemptAt,
        Instant leaseUntil,
        long leaseToken,
        String leaseHolder,
        Instant updatedAt) {

    /**
     * PENDING: being sent, or to be sent. FAILED: the last series failed; due again later. DELIVERED: a 2xx answer.
     * ABANDONED: 410 Gone, or undelivered past the give-up window. SUPERSEDED: the job's videos changed, or it is no
     * longer complete, before this webhook was delivered; the newer set has a delivery of its own.
     */
    public enum State { PENDING, DELIVERED, FAILED, ABANDONED, SUPERSEDED }

    /** Nothing more is sent for this webhook id: delivered, given up, or replaced by a newer set of videos. */
    public boolean isSettled() {
        return state == State.DELIVERED || state == State.ABANDONED || state == State.SUPERSEDED;
    }

    public boolean isLeased(Instant now) {
        return leaseUntil != null && leaseUntil.isAfter(now);
    }
}
