package dev.videolinks;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import org.crac.Core;
import org.crac.Resource;

/**
 * {@code VideoCompletionFunction}: S3 notifications and EventBridge "Object Created" events in, one signed
 * webhook per completed job out. Answers a report of what it did; fails when a webhook could not be delivered,
 * so Lambda's retries and the on-failure destination take over.
 */
public final class VideoCompletionHandler implements RequestStreamHandler, Resource {

    private final VideoCompletion completion;
    private final Clock clock;
    private final Log log;
    private final Config primingConfig;

    public VideoCompletionHandler() {
        this(System.getenv(), DefaultCredentialsProvider.builder().build(), Clock.systemUTC(), Log.stdout());
        Core.getGlobalContext().register(this);
    }

    VideoCompletionHandler(Map<String, String> env, AwsCredentialsProvider credentials, Clock clock, Log log) {
        this(env, credentials, clock, log, Thread::sleep);
    }

    VideoCompletionHandler(Map<String, String> env, AwsCredentialsProvider credentials, Clock clock, Log log,
            WebhookClient.Sleeper sleeper) {
        Config config = Config.fromEnv(env);
        Config.Webhook settings = Config.Webhook.fromEnv(env);
        var clients = new AwsClients(config, credentials);
        var keys = new VideoKeys(config.prefix());
        var dynamoDb = clients.dynamoDb();
        var table = new VideoTable(dynamoDb, config.table());
        var delivery = JobDelivery.create(config, settings, table, new DeliveryLedger(dynamoDb, config.table()),
                VideoUrlSigner.create(config, clients, credentials, clock), WebhookClient.DEFAULT_BACKOFF, clock, sleeper);
        this.completion = new VideoCompletion(config.bucket(), keys, clients.s3(), table,
                new KeyIndex(dynamoDb, config.table()), delivery, clock);
        this.primingConfig = config;
        this.clock = clock;
        this.log = log;
        if (settings.secrets().isEmpty()) {
            log.warn("config.unsigned_webhooks", "reason", "WEBHOOK_SECRET is empty: webhooks are sent unsigned");
        }
    }


    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        Log requestLog = log.with("request_id", context.getAwsRequestId());
        Object event;
        try {
            event = Json.parse(input);
        } catch (IOException e) {
            reject(output, requestLog, "malformed JSON");
            return;
        }
        if (!(event instanceof Map)) {
            reject(output, requestLog, "event is not a JSON object");
            return;
        }
        Instant deadline = clock.instant().plusMillis(context.getRemainingTimeInMillis());
        var report = completion.process(ObjectEvent.parse(event), deadline, requestLog);
        if (!report.undelivered().isEmpty()) {
            throw new WebhookDeliveryException(report.undelivered());
        }
        Json.write(output, report);
    }

    /** An event that can never succeed: said once in the log and the answer, not retried. */
    private static void reject(OutputStream output, Log log, String reason) throws IOException {
        log.error("event.rejected", "reason", reason);
        Json.write(output, Map.of("rejected", List.of(reason)));
    }

    /** Fails the invocation so that Lambda retries it and, in the end, keeps it in the failure destination. */
    static final class WebhookDeliveryException extends RuntimeException {
        WebhookDeliveryException(List<JobDelivery.Result> undelivered) {
            super("webhook not delivered for jobs " + undelivered.stream()
                    .map(r -> r.jobId() + " (" + r.lastError() + ")").toList());
        }
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
