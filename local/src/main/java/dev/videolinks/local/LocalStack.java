package dev.videolinks.local;

import dev.videolinks.Json;
import dev.videolinks.testing.LocalDynamoDb;
import dev.videolinks.testing.LocalS3;
import dev.videolinks.testing.LocalTemplate;
import dev.videolinks.testing.Template;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The whole system on loopback, from template.yaml: S3Proxy (with bucket notifications), DynamoDB Local, the
 * functions, the HTTP API and the schedules; or one function invoked once with an event file.
 *
 * <pre>
 * start [--receiver] [--webhook-url URL] [--cors-origins LIST] [--data-dir DIR] [--env-vars FILE] [--auth-mode JWT|IAM]
 *       [--s3-port N] [--dynamodb-port N] [--api-port N] [--receiver-port N] [--retry-delays 10s,20s]
 * invoke LOGICAL_ID -e EVENT_FILE [--env-vars FILE] [--auth-mode JWT|IAM] [--s3-port N] [--dynamodb-port N]
 * redrive [--webhook-url URL] [--env-vars FILE]   (the failure destination back to its function)
 * </pre>
 * The commands' own help: {@code local/start --help}, {@code local/invoke --help}, {@code local/redrive --help}.
 */
public final class LocalStack implements AutoCloseable {

    public static final String REGION = "us-east-1";
    /** Local-only fake credentials: S3Proxy checks them, DynamoDB Local wants letters and digits. */
    static final String ACCESS_KEY = "AKIDLOCAL";
    static final String SECRET_KEY = "localsecret";
    /** The local development webhook secret, printed in the banner so the app can verify. */
    static final String LOCAL_WEBHOOK_SECRET = "whsec_dmlkZW8tbGlua3MgbG9jYWwgZGV2ZWxvcG1lbnQ="; // local development only
    static final String DEFAULT_WEBHOOK_URL = "http://localhost:3000/api/webhooks/video-completion";
    /** The Next.js dev server, as a browser may name it either way. */
    static final String DEFAULT_CORS_ORIGINS = "http://localhost:3000,http://127.0.0.1:3000";

    /** The options of both commands, with their defaults; parsed once from the command line. */
    public static final class Options {
        public int s3Port = 7070;
        public int dynamoDbPort = 7071;
        public int apiPort = 7072;
        public int receiverPort = 7073;
        public boolean receiver;
        public String webhookUrl;
        public String corsOrigins;
        public Path dataDir;
        public Path envVars;
        public String authMode;
        public List<Duration> retryDelays = List.of(Duration.ofSeconds(10), Duration.ofSeconds(20));
        public Path workDir = Path.of("target", "local");

        static Options parse(Deque<String> args) {
            var options = new Options();
            while (!args.isEmpty()) {
                String flag = args.poll();
                switch (flag) {
                    case "--s3-port" -> options.s3Port = port(args, flag);
                    case "--dynamodb-port" -> options.dynamoDbPort = port(args, flag);
                    case "--api-port" -> options.apiPort = port(args, flag);
                    case "--receiver-port" -> options.receiverPort = port(args, flag);
                    case "--receiver" -> options.receiver = true;
                    case "--webhook-url" -> options.webhookUrl = value(args, flag);
                    case "--cors-origins" -> options.corsOrigins = value(args, flag);
                    case "--data-dir" -> options.dataDir = Path.of(value(args, flag));
                    case "--env-vars" -> options.envVars = Path.of(value(args, flag));
                    case "--auth-mode" -> options.authMode = value(args, flag);
                    case "--retry-delays" -> options.retryDelays = Arrays.stream(value(args, flag).split(","))
                            .map(delay -> Duration.parse("PT" + delay.strip().toUpperCase())).toList();
                    default -> throw new IllegalArgumentException("unknown option " + flag);
                }
            }
            return options;
        }

        private static String value(Deque<String> args, String flag) {
            if (args.isEmpty()) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            return args.poll();
        }

        private static int port(Deque<String> args, String flag) {
            String text = value(args, flag);
            if (!text.matches("\\d{1,5}") || Integer.parseInt(text) > 65535) {
                throw new IllegalArgumentException(flag + " needs a port number, got " + text);
            }
            return Integer.parseInt(text);
        }
    }

    private final Options options;
    private final PrintStream console;
    private final List<AutoCloseable> running = new ArrayList<>();
    private final StaticCredentialsProvider credentials =
            StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
    LocalTemplate template;
    URI s3Endpoint;
    URI dynamoDbEndpoint;
    private URI apiUrl;
    private URI receiverUrl;
    private Path failures;
    private String webhookSecret;

    public LocalStack(Options options, PrintStream console) {
        this.options = options;
        this.console = console;
    }

    public static void main(String[] args) throws Exception {
        var queue = new ArrayDeque<>(List.of(args));
        if (queue.stream().anyMatch(arg -> arg.equals("--help") || arg.equals("-h"))) {
            System.out.println("usage: local/start --help, local/invoke --help, local/redrive --help");
            return;
        }
        String command = queue.isEmpty() ? "start" : queue.poll();
        try {
            switch (command) {
                case "start" -> {
                    var stack = new LocalStack(Options.parse(queue), System.out);
                    var stopped = new CountDownLatch(1);
                    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                        stack.close();
                        stopped.countDown();
                    }));
                    long began = System.nanoTime();
                    stack.start();
                    stack.printBanner(Duration.ofNanos(System.nanoTime() - began));
                    stopped.await();
                }
                case "invoke" -> System.exit(LocalCommands.invoke(queue, System.out, System.err));
                case "redrive" -> System.exit(LocalCommands.redrive(Options.parse(queue), System.out));
                default -> throw new IllegalArgumentException("unknown command " + command + "; use start, invoke or redrive");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("local stack: " + e.getMessage() + " (--help lists the options)");
            System.exit(2);
        }
    }

    /** Starts everything; every server binds 127.0.0.1. */
    public void start() throws Exception {
        var overrides = envVars(options.envVars);
        var parameters = parameters(overrides, null);
        if (options.corsOrigins != null) {
            parameters.put("CorsAllowedOrigins", options.corsOrigins);
        }
        parameters.putIfAbsent("CorsAllowedOrigins", DEFAULT_CORS_ORIGINS);
        if (options.authMode != null) {
            parameters.put("AuthMode", options.authMode);
        }
        int receiverPort = options.receiver ? portOrFree(options.receiverPort) : -1;
        if (options.receiver) {
            receiverUrl = LocalReceiver.url(receiverPort);
        }
        parameters.putIfAbsent("WebhookUrl", options.webhookUrl != null ? options.webhookUrl
                : receiverUrl != null ? receiverUrl.toString() : DEFAULT_WEBHOOK_URL);
        template = LocalTemplate.load(parameters, REGION);

        startDynamoDb(portOrFree(options.dynamoDbPort), options.dataDir);
        int s3Port = portOrFree(options.s3Port);
        s3Endpoint = URI.create("http://127.0.0.1:" + s3Port);
        failures = options.workDir.resolve("failed-events");
        var functions = functions(overrides, console::println);
        webhookSecret = functions.environment("VideoCompletionFunction").getOrDefault("WEBHOOK_SECRET", "");
        if (options.receiver) {
            running.add(new LocalReceiver(receiverPort, webhookSecret, options.workDir.resolve("webhooks"),
                    line -> console.println("[receiver] " + line)));
        }
        var invoker = new AsyncInvoker(functions, options.retryDelays, failures, line -> console.println("[lambda] " + line));
        running.add(invoker);
        startS3(s3Port, options.dataDir, new S3Notifications(template.bucketName(), REGION, template.functions(), invoker));
        var api = new LocalApi(portOrFree(options.apiPort), template.routes(), functions, template.parameter("OwnerClaim"),
                "IAM".equals(template.parameter("AuthMode")), template.cors());
        running.add(api);
        apiUrl = URI.create("http://127.0.0.1:" + api.port());
        startSchedules(invoker);
    }

    private LocalFunctions functions(Map<String, Map<String, String>> overrides, java.util.function.Consumer<String> logs) {
        return functions(template, s3Endpoint, dynamoDbEndpoint, overrides, logs);
    }

    /** The template's functions against these endpoints, with the local credentials. */
    static LocalFunctions functions(LocalTemplate template, URI s3, URI dynamoDb,
            Map<String, Map<String, String>> overrides, java.util.function.Consumer<String> logs) {
        return new LocalFunctions(template, Map.of(
                "AWS_REGION", REGION,
                "AWS_ENDPOINT_URL_S3", s3.toString(),
                "AWS_ENDPOINT_URL_DYNAMODB", dynamoDb.toString()), overrides,
                StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)), logs);
    }

    /** Template parameters: env.json's, then the local defaults for the webhook. */
    static Map<String, String> parameters(Map<String, Map<String, String>> overrides, String webhookUrl) {
        var parameters = new HashMap<String, String>(overrides.getOrDefault("Parameters", Map.of()));
        parameters.putIfAbsent("WebhookSecret", LOCAL_WEBHOOK_SECRET);
        if (webhookUrl != null) {
            parameters.putIfAbsent("WebhookUrl", webhookUrl);
        }
        return parameters;
    }

    /** DynamoDB Local on 127.0.0.1 (testing's starter), with the template's table. */
    void startDynamoDb(int port, Path dataDir) throws Exception {
        var dynamoDb = LocalDynamoDb.start(port, dataDir == null ? null : dataDir.resolve("dynamodb"), credentials, REGION);
        running.add(dynamoDb);
        dynamoDbEndpoint = dynamoDb.endpoint();
        dynamoDb.createTable(template.tableProperties(), template.tableName());
    }

    /** S3Proxy (testing's starter) whose writes become S3 notifications, with the template's bucket. */
    void startS3(int port, Path dataDir, NotifyingBlobStore.Listener listener) throws Exception {
        var s3 = LocalS3.start(new LocalS3.Options(port, dataDir == null ? null : dataDir.resolve("s3"),
                store -> new NotifyingBlobStore(store, listener), credentials, REGION), template.bucketName());
        running.add(s3);
        s3Endpoint = s3.endpoint();
    }

    private static final Pattern RATE = Pattern.compile("rate\\((\\d+) (minute|minutes|hour|hours|day|days)\\)");

    /** Functions with Schedule events run on their rate; cron expressions are not run locally (said once). */
    private void startSchedules(AsyncInvoker invoker) {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            var thread = new Thread(r, "schedules");
            thread.setDaemon(true);
            return thread;
        });
        running.add(scheduler::shutdownNow);
        for (var function : template.functions()) {
            for (String schedule : function.schedules()) {
                var rate = RATE.matcher(schedule);
                if (!rate.matches()) {
                    console.println("[schedule] " + function.logicalId() + ": '" + schedule + "' is not run locally (only rate(...) is)");
                    continue;
                }
                long minutes = Long.parseLong(rate.group(1)) * switch (rate.group(2).replaceAll("s$", "")) {
                    case "hour" -> 60;
                    case "day" -> 1440;
                    default -> 1;
                };
                scheduler.scheduleAtFixedRate(() -> invoker.submit(function.logicalId(), scheduledEvent()),
                        minutes, minutes, TimeUnit.MINUTES);
            }
        }
    }

    private static byte[] scheduledEvent() {
        return ("{\"version\":\"0\",\"id\":\"" + UUID.randomUUID() + "\",\"detail-type\":\"Scheduled Event\","
                + "\"source\":\"aws.events\",\"account\":\"local\",\"time\":\"" + java.time.Instant.now() + "\","
                + "\"region\":\"" + REGION + "\",\"resources\":[],\"detail\":{}}").getBytes(StandardCharsets.UTF_8);
    }

    void printBanner(Duration took) {
        String bucket = template.bucketName();
        String aws = "AWS_ACCESS_KEY_ID=" + ACCESS_KEY + " AWS_SECRET_ACCESS_KEY=" + SECRET_KEY + " AWS_REGION=" + REGION;
        String webhook = template.parameter("WebhookUrl");
        console.printf("""

                video-links local stack is up (%.1f s). Ctrl-C stops it.

                  S3 (S3Proxy)        %s   bucket %s, videos under %s
                  DynamoDB Local      %s   table %s%s
                  URL API             %s   (%s mode; browsers from %s)
                  webhooks go to      %s%s
                  webhook secret      %s
                  credentials         %s
                  failed events       %s

                Your app (examples/nextjs/.env.example): start it before uploading, with
                  WEBHOOK_SECRET=%s VIDEO_API_URL=%s

                Upload a video (Debian's aws CLI is /usr/bin/aws):
                  %s aws s3 cp clip.mp4 s3://%s/%su1/j1/clip.mp4 --endpoint-url %s

                Ask for a fresh URL as user u1 (X-Local-User is the local stand-in for a JWT; it exists only here):
                  curl -H 'X-Local-User: u1' %s/videos/j1

                """,
                took.toMillis() / 1000.0,
                s3Endpoint, bucket, template.parameter("VideoPrefix"),
                dynamoDbEndpoint, template.tableName(), options.dataDir == null ? " (in memory)" : " (kept in " + options.dataDir + ")",
                apiUrl, template.parameter("AuthMode"), corsOrigins(),
                webhook, receiverUrl != null ? " (built-in receiver: verifies and prints each delivery)" : "",
                webhookSecret.isBlank() ? "(none: webhooks go unsigned)" : webhookSecret,
                aws, failures,
                webhookSecret.isBlank() ? "" : webhookSecret.strip().contains(" ") ? "\"" + webhookSecret.strip() + "\"" : webhookSecret.strip(),
                apiUrl,
                aws, bucket, template.parameter("VideoPrefix"), s3Endpoint,
                apiUrl);
    }

    private String corsOrigins() {
        var cors = template.cors();
        return cors == null || cors.origins().isEmpty() ? "no origin (CORS off)" : String.join(" ", cors.origins());
    }

    /** The secret VideoCompletionFunction signs webhooks with (space-separated while rotating). */
    String webhookSecret() {
        return webhookSecret;
    }

    public URI s3Endpoint() {
        return s3Endpoint;
    }

    URI dynamoDbEndpoint() {
        return dynamoDbEndpoint;
    }

    public URI apiUrl() {
        return apiUrl;
    }

    URI receiverUrl() {
        return receiverUrl;
    }

    Path failures() {
        return failures;
    }

    public LocalTemplate template() {
        return template;
    }

    public StaticCredentialsProvider credentials() {
        return credentials;
    }

    @Override
    public void close() {
        for (int i = running.size() - 1; i >= 0; i--) {
            try {
                running.get(i).close();
            } catch (Exception e) {
                console.println("stopping: " + e);
            }
        }
        running.clear();
    }

    static Map<String, Map<String, String>> envVars(Path file) throws IOException {
        if (file == null) {
            return Map.of();
        }
        if (!(Json.parse(Files.readAllBytes(file)) instanceof Map<?, ?> functions)) {
            throw new IllegalArgumentException(file + " must hold a JSON object of functions, each an object of variables");
        }
        var envVars = new HashMap<String, Map<String, String>>();
        functions.forEach((function, variables) -> {
            if (!(variables instanceof Map<?, ?> map)) {
                throw new IllegalArgumentException(file + ": " + function + " must be an object of variables");
            }
            var values = new HashMap<String, String>();
            map.forEach((name, value) -> values.put((String) name, value == null ? null : String.valueOf(value)));
            envVars.put((String) function, values);
        });
        return envVars;
    }

    static boolean listening(int port) {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int portOrFree(int port) throws IOException {
        return port == 0 ? freePort() : port;
    }

    static int freePort() throws IOException {
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
