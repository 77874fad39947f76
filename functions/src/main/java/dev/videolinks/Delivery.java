package dev.videolinks;

import java.time.Instant;

/** A job's webhook delivery state, kept beside its videos (SPEC §3: nothing is lost). */
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
        Instant updatedAt) {

    enum State { PENDING, DELIVERED, FAILED, ABANDONED }

    boolean isDelivered(String id) {
        return state == State.DELIVERED && webhookId.equals(id);
    }

    /** Delivered, or given up (410 Gone, or past the give-up window): nothing more is sent for this id. */
    boolean isSettled(String id) {
        return webhookId.equals(id) && (state == State.DELIVERED || state == State.ABANDONED);
    }
}
