package dev.videolinks;

import dev.videolinks.facts.VideoFactsReader;
import dev.videolinks.facts.VideoFacts;
import dev.videolinks.store.Deliveries;
import dev.videolinks.store.ImageIndex;
import dev.videolinks.store.VideoStore;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

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
    private final ClientHooks hooks;

    /**
     * What a test may put between the functions and AWS: settings (interceptors) for every SDK client, and a
     * stand-in for the DynamoDB client (given the one built from the configuration).
     */
    record ClientHooks(Consumer<ClientOverrideConfiguration.Builder> overrides, UnaryOperator<DynamoDbClient> dynamoDb) {
        static final ClientHooks NONE = new ClientHooks(overrides -> { }, UnaryOperator.identity());
    }

    private Wiring(Map<String, String> env, AwsCredentialsProvider credentials, Clock clock, Log log,
            WebhookClient.Sleeper sleeper, ClientHooks hooks) {
        this.env = env;
        this.config = Config.fromEnv(env);
        this.credentials = credentials;
        this.clock = clock;
        this.log = log;
        this.sleeper = sleeper;
        this.hooks = hooks;
    }

    /** As on Lambda: the process's environment, the default credentials chain, the system clock, stdout. */
    static Wiring lambda() {
        return new Wiring(System.getenv(), DefaultCredentialsProvider.builder().build(), Clock.systemUTC(), Log.stdout(),
                Thread::sleep, ClientHooks.NONE);
    }

    /** Functions configured by {@code env}, logging one JSON object per line to {@code logLines}. */
    public static Wiring of(Map<String, String> env, AwsCredentialsProvider credentials, Clock clock,
            Consumer<String> logLines) {
        return of(env, credentials, clock, Log.to(logLines));
    }

    static Wiring of(Map<String, String> env, AwsCredentialsProvider credentials, Clock clock, Log log) {
        return new Wiring(env, credentials, clock, log, Thread::sleep, ClientHooks.NONE);
    }

    /** The same functions, waiting between webhook attempts with {@code sleeper} (a clock that jumps, in tests). */
    Wiring sleepingWith(WebhookClient.Sleeper sleeper) {
        return new Wiring(env, credentials, clock, log, sleeper, hooks);
    }

    /** The same functions, their SDK clients built with {@code hooks} (the simulation's faults and schedule). */
    Wiring withClientHooks(ClientHooks hooks) {
        return new Wiring(env, credentials, clock, log, sleeper, hooks);
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
        var clients = clients();
        var dynamoDb = clients.dynamoDb();
        var s3 = clients.s3();
        var keys = new VideoKeys(config.prefix());
        var store = new VideoStore(dynamoDb, config.table());
        var posters = new Posters(config.bucket(), keys, s3, store, new ImageIndex(dynamoDb, config.table()));
        var recorder = new VideoRecorder(config.bucket(), keys, s3, store, new VideoFactsReader(s3), posters, clock);
        return new VideoCompletion(config.bucket(), keys, recorder,
                delivery(settings, clients, new Deliveries(dynamoDb, config.table()), WebhookClient.DEFAULT_BACKOFF));
    }

    VideoUrls urls() {
        var clients = clients();
        return new VideoUrls(new VideoStore(clients.dynamoDb(), config.table()),
                VideoUrlSigner.create(config, clients, credentials, clock), clock);
    }

    /** The scheduled redelivery: one attempt per due delivery, no waiting inside a run. */
    Redelivery redelivery() {
        Config.Webhook settings = Config.Webhook.fromEnv(env);
        var clients = clients();
        var deliveries = new Deliveries(clients.dynamoDb(), config.table());
        return new Redelivery(deliveries, delivery(settings, clients, deliveries, List.of()), settings.timeout(), clock);
    }

    private AwsClients clients() {
        return new AwsClients(config, credentials, hooks.overrides(), hooks.dynamoDb());
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
    private JobDelivery delivery(Config.Webhook settings, AwsClients clients, Deliveries deliveries,
            List<java.time.Duration> backoff) {
        var webhook = new WebhookClient(settings.url(), new WebhookSigner(settings.secrets()), settings.timeout(),
                backoff, clock, sleeper);
        return new JobDelivery(deliveries, VideoUrlSigner.create(config, clients, credentials, clock), webhook,
                config.urlTtl(), settings.giveUpAfter(), clock);
    }
}
