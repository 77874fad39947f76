package dev.videolinks;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** When a job's webhook is sent again, and how long the lease of the invocation that sends it lasts. */
final class DeliverySchedule {

    /**
     * When the next attempt series is due, counted from the first attempt, in the spirit of Standard Webhooks:
     * seconds, minutes, then hours. After the last, the give-up check.
     */
    static final List<Duration> SCHEDULE = List.of(Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofMinutes(35),
            Duration.ofMinutes(155), Duration.ofMinutes(455), Duration.ofMinutes(1055));

    /**
     * A lease lasts until the invocation that took it ends, and this much longer (clock skew between hosts):
     * Lambda stops an invocation at its deadline, so no attempt series, whatever its timeouts, backoff,
     * Retry-After waits or resent POSTs add up to, can outlive its lease.
     */
    static final Duration LEASE_MARGIN = Duration.ofSeconds(15);

    private DeliverySchedule() {}

    /** The end of a lease taken by an invocation that must end by {@code deadline}. */
    static Instant leaseUntil(Instant deadline) {
        return Instant.ofEpochSecond(deadline.plus(LEASE_MARGIN).getEpochSecond() + 1);
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
}
