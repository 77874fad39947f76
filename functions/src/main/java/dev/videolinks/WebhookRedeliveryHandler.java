package dev.videolinks;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import org.crac.Core;
import org.crac.Resource;

/**
 * {@code WebhookRedeliveryFunction}, run on a schedule: finds the deliveries that are due (failed, or stuck
 * pending past their lease) through the table's due index and sends each again, one attempt each, with fresh
 * URLs and the same webhook id, until the give-up window closes.
 */
public final class WebhookRedeliveryHandler implements RequestStreamHandler, Resource {

    /** Deliveries looked at per run; the rest wait for the next run. */
    static final int BATCH = 200;

    private final DeliveryLedger ledger;
    private final JobDelivery delivery;
    private final Duration attemptTimeout;
    private final Clock clock;
    private final Log log;
    private final Config primingConfig;

    public WebhookRedeliveryHandler() {
        this(System.getenv(), DefaultCredentialsProvider.builder().build(), Clock.systemUTC(), Log.stdout());
        Core.getGlobalContext().register(this);
    }

    WebhookRedeliveryHandler(Map<String, String> env, AwsCredentialsProvider credentials, Clock clock, Log log) {
        this(env, credentials, clock, log, Thread::sleep);
    }

    WebhookRedeliveryHandler(Map<String, String> env, AwsCredentialsProvider credentials, Clock clock, Log log,
            WebhookClient.Sleeper sleeper) {
        Config config = Config.fromEnv(env);
        Config.Webhook settings = Config.Webhook.fromEnv(env);
        var clients = new AwsClients(config, credentials);
        var dynamoDb = clients.dynamoDb();
        this.ledger = new DeliveryLedger(dynamoDb, config.table());
        this.delivery = JobDelivery.create(config, settings, new VideoTable(dynamoDb, config.table()), ledger,
                VideoUrlSigner.create(config, clients, credentials, clock), List.of(), clock, sleeper);
        this.primingConfig = config;
        this.attemptTimeout = settings.timeout();
        this.clock = clock;
        this.log = log;
    }

    /** What one run did. */
    record Report(int due, int delivered, int failed, int abandoned, int skipped) {}

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        input.transferTo(OutputStream.nullOutputStream());
        Log runLog = log.with("request_id", context.getAwsRequestId());
        Instant deadline = clock.instant().plusMillis(context.getRemainingTimeInMillis());
        Json.write(output, run(deadline, runLog));
    }

    Report run(Instant deadline, Log runLog) {
        List<String> due = ledger.dueJobs(clock.instant(), BATCH);
        int delivered = 0;
        int failed = 0;
        int abandoned = 0;
        int skipped = 0;
        for (String jobId : due) {
            if (clock.instant().plus(attemptTimeout).plusSeconds(5).isAfter(deadline)) {
                skipped += 1;
                continue;
            }
            var leased = ledger.leaseDue(jobId, clock.instant(), JobDelivery.leaseUntil(deadline));
            if (leased.isEmpty()) {
                skipped += 1;
                continue;
            }
            switch (delivery.redeliver(leased.get(), deadline, runLog).state()) {
                case DELIVERED -> delivered += 1;
                case ABANDONED -> abandoned += 1;
                default -> failed += 1;
            }
        }
        var report = new Report(due.size(), delivered, failed, abandoned, skipped);
        if (!due.isEmpty()) {
            runLog.info("redelivery.run", "due", report.due(), "delivered", delivered, "failed", failed,
                    "abandoned", abandoned, "skipped", skipped);
        }
        return report;
    }

    /** SnapStart: prime before the snapshot (see {@link Priming}); nothing to redo after a restore. */
    @Override
    public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
        Priming.prime(primingConfig);
    }

    @Override
    public void afterRestore(org.crac.Context<? extends Resource> context) {
        // SDK clients resolve credentials and open connections lazily: nothing was kept to refresh.
    }
}
