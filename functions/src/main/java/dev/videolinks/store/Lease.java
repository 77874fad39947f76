package dev.videolinks.store;

import java.time.Instant;

/** The right to send a job's webhook until {@code until}, and to record what came of it while {@code token} is current. */
public record Lease(long token, Instant until) {}
