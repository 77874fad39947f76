package dev.videolinks.store;

import java.time.Instant;

/**
 * Who writes, and when: the invocation ({@code holder}, its request id, which Lambda keeps for the retries of one
 * event), the time now, and the end of any lease it takes (see {@link Deliveries}).
 */
public record Sender(String holder, Instant now, Instant leaseUntil) {}
