package dev.videolinks;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/**
 * The one place the functions are put together: from an environment (SPEC §5), credentials, a clock and a log,
 * each function's handler and the collaborators behind it, reading only the variables that function needs and
 * building only the SDK clients it uses. Lambda's no-arg constructors use {@link #lambda()}; the tests, the
 * local stack and the benchmarks call {@link #of} with an environment of their own.
 */
public final class Wiring {

    private final Map<String, String> env;
    private final Config config;
    private final AwsCredentialsProvider credentials;
    private final Clock clock;
    private final Log log;
    private final WebhookClient.Sleeper sleeper;

    private Wiring(Map<String, String> env, AwsCredentialsProvider credentials, Clock clock, Log log,
            WebhookClient.Sleeper sleeper) {
        this.env = env;
        this.config = Config.fromEnv(env);
        this.credentials = credentials;
        this.clock = clock;
        this.log = log;
        this.sleeper = sleeper;
    }

    /** As on Lambda: the process's environment, the default credentials chain, the system clock, stdout. */
    static Wiring lambda() {
        return new Wiring(System.getenv(), DefaultCredentialsProvider.builder().build(), Clock.systemUTC(), Log.stdout(),
                Thread::sleep);
    }

    /** Functions configured by {@code env}, logging one JSON object per line to {@code logLines}. */
    public static Wiring of(Map<String, String> env, AwsCredentialsProvider credentials, Clock clock,
            Consumer<String> logLines) {
        return of(env, credentials, clock, Log.to(logLines));
    }

    static Wiring of(Map<String, String> env, AwsCredentialsProvider credentials, Clock clock, Log log) {
        return new Wiring(env, credentials, clock, log, Thread::sleep);
    }

    /** The same functions, waiting between webhook attempts with {@code sleeper} (a clock that jumps, in tests). */
    Wiring sleepingWith(WebhookClient.Sleeper sleeper) {
        return new Wiring(env, credentials, clock, log, sleeper);
    }

    public VideoCompletionHandler completionHandler() {
        return new VideoCompletionHandler(completion(), config, clock, log);
    }

    public VideoUrlHandler urlHandler() {
        return new VideoUrlHandler(urls(), config, api(), log);
    }

    public WebhookRedeliveryHandler redeliveryHandler() {
        return new WebhookRedeliveryHandler(redelivery(), config, clock, log);
    }

    VideoCompletion completion() {
        Config.Webhook settings = Config.Webhook.fromEnv(env);
        if (settings.secrets().isEmpty()) {
            log.warn("config.unsigned_webhooks", "reason", "WEBHOOK_SECRET is empty: webhooks are sent unsigned");
        }
        var clients = new AwsClients(config, credentials);
        var dynamoDb = clients.dynamoDb();
        var s3 = clients.s3();
        var keys = new VideoKeys(config.prefix());
        var table = new VideoTable(dynamoDb, config.table());
        var keyIndex = new KeyIndex(dynamoDb, config.table());
        return new VideoCompletion(config.bucket(), keys, s3, table, keyIndex,
                delivery(settings, clients, table, new DeliveryLedger(dynamoDb, config.table()), WebhookClient.DEFAULT_BACKOFF),
                new VideoFactsReader(s3), new Posters(config.bucket(), keys, s3, keyIndex, table, sleeper), clock);
    }

    VideoUrls urls() {
        var clients = new AwsClients(config, credentials);
        return new VideoUrls(new VideoTable(clients.dynamoDb(), config.table()),
                VideoUrlSigner.create(config, clients, credentials, clock), clock);
    }

    /** The scheduled redelivery: one attempt per due delivery, no waiting inside a run. */
    Redelivery redelivery() {
        Config.Webhook settings = Config.Webhook.fromEnv(env);
        var clients = new AwsClients(config, credentials);
        var dynamoDb = clients.dynamoDb();
        var ledger = new DeliveryLedger(dynamoDb, config.table());
        return new Redelivery(ledger,
                delivery(settings, clients, new VideoTable(dynamoDb, config.table()), ledger, List.of()),
                settings.timeout(), clock);
    }

    Config.Api api() {
        return Config.Api.fromEnv(env);
    }

    Config config() {
        return config;
    }

    Clock clock() {
        return clock;
    }

    Log log() {
        return log;
    }

    /** A job's delivery; {@code backoff}: the waits between the attempts of one invocation. */
    private JobDelivery delivery(Config.Webhook settings, AwsClients clients, VideoTable table, DeliveryLedger ledger,
            List<java.time.Duration> backoff) {
        var webhook = new WebhookClient(settings.url(), new WebhookSigner(settings.secrets()), settings.timeout(),
                backoff, clock, sleeper);
        return new JobDelivery(ledger, table, VideoUrlSigner.create(config, clients, credentials, clock), webhook,
                config.urlTtl(), settings.giveUpAfter(), clock);
    }
}
