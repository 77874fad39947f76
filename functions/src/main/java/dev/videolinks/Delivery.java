package dev.videolinks;

import java.time.Instant;

/**
 * A job's webhook delivery state, kept beside its videos (SPEC §3: nothing is lost). {@code leaseToken} grows
 * with every lease taken: only the holder of the current token may record an outcome (a fencing token).
 */
record Delivery(
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
        Instant updatedAt) {

    enum State { PENDING, DELIVERED, FAILED, ABANDONED }

    /** Delivered, or given up (410 Gone, or past the give-up window): nothing more is sent for this id. */
    boolean isSettled(String id) {
        return webhookId.equals(id) && (state == State.DELIVERED || state == State.ABANDONED);
    }

    boolean isLeased(Instant now) {
        return leaseUntil != null && leaseUntil.isAfter(now);
    }
}
