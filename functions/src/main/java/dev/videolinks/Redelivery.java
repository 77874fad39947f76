package dev.videolinks;

import dev.videolinks.store.Deliveries;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One run of the scheduled redelivery: the deliveries that are due (failed, or stuck pending past their lease),
 * found through the table's due index, each leased and sent again once with fresh URLs, while the run has time.
 */
final class Redelivery {

    /** Deliveries looked at per run; the rest wait for the next run. */
    static final int BATCH = 200;

    /** What one run did. */
    record Report(int due, int delivered, int failed, int abandoned, int skipped) {}

    private final Deliveries deliveries;
    private final JobDelivery delivery;
    private final Duration attemptTimeout;
    private final Clock clock;

    Redelivery(Deliveries deliveries, JobDelivery delivery, Duration attemptTimeout, Clock clock) {
        this.deliveries = deliveries;
        this.delivery = delivery;
        this.attemptTimeout = attemptTimeout;
        this.clock = clock;
    }

    Report run(VideoRecorder.Invocation invocation, Log log) {
        Instant deadline = invocation.deadline();
        List<String> due = deliveries.dueJobs(clock.instant(), BATCH);
        int delivered = 0;
        int failed = 0;
        int abandoned = 0;
        int skipped = 0;
        for (String jobId : due) {
            if (clock.instant().plus(attemptTimeout).plusSeconds(5).isAfter(deadline)) {
                skipped += 1;
                continue;
            }
            var leased = deliveries.leaseDue(jobId, invocation.sender(clock.instant()));
            if (leased.isEmpty()) {
                skipped += 1;
                continue;
            }
            switch (delivery.redeliver(leased.get(), deadline, log).state()) {
                case DELIVERED -> delivered += 1;
                case ABANDONED -> abandoned += 1;
                default -> failed += 1;
            }
        }
        var report = new Report(due.size(), delivered, failed, abandoned, skipped);
        if (!due.isEmpty()) {
            log.info("redelivery.run", "due", report.due(), "delivered", delivered, "failed", failed,
                    "abandoned", abandoned, "skipped", skipped);
        }
        return report;
    }
}
