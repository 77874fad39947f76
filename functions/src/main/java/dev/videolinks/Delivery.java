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
        Instant nextAttemptAt,
        Instant updatedAt) {

    enum State { PENDING, DELIVERED, FAILED, ABANDONED }

    boolean isDelivered(String id) {
        return state == State.DELIVERED && webhookId.equals(id);
    }
}
