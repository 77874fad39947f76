package dev.videolinks;

import dev.videolinks.testing.LocalDynamoDb;
import dev.videolinks.testing.LocalS3;
import dev.videolinks.testing.WebhookReceiver;
import dev.videolinks.testing.TestJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.gaul.s3proxy.S3Proxy;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Whole-process cold start of {@code VideoCompletionFunction}'s work: Java (the real handler from the Lambda
 * package: plain, C1 only, with a JDK 25 AOT cache, both; and plain on the AOT rows' jar classpath) against
 * peers that do the same work in Python 3 + boto3 and Node.js + AWS SDK for JavaScript v3 (bench/peers). Run it with {@code bench/cold [--rounds N] [--warmup N]}.
 * With {@code --warm} ({@code bench/warm [--warmup W] [--events M]}) it measures warm handling instead: see
 * {@link #warm}.
 *
 * <p>This JVM starts S3Proxy, DynamoDB Local (table from template.yaml) and a webhook receiver on loopback once.
 * Each run uploads a fresh object (a new job), writes a one-record S3 notification for it and starts one OS
 * process that handles it: HeadObject, the recording write(s), a 1 h presigned GET URL, the signed webhook. The
 * figure is {@code System.nanoTime()} just before {@code ProcessBuilder.start()} to the receiver's handler being
 * entered with that job's webhook. Peak RSS is GNU time's {@code %M} (the child's {@code ru_maxrss}). A run fails
 * the whole benchmark when the process fails, its webhook does not verify (com.standardwebhooks), or its
 * presigned URL, fetched here after the process exited, does not answer the uploaded bytes.
 */
public final class ColdStartBenchmark {

    static final String REGION = "us-east-1";
    static final String ACCESS_KEY = "AKIDLOCAL";
    static final String SECRET_KEY = "localsecret";
    static final String BUCKET = "video-links-videos-local";
    static final String TABLE = "video-links-cold";
    static final Path WORK = Path.of("target", "bench", "cold");
    static final Path WARM = Path.of("target", "bench", "warm");
    static final Duration WARM_PROCESS_TIMEOUT = Duration.ofMinutes(10);
    static final Path AOT_CACHE = Path.of("target", "bench", "app.aot");
    static final Path TIME = Path.of("/usr/bin/time");
    static final Path PYTHON = Path.of("/usr/bin/python3");
    static final Duration PROCESS_TIMEOUT = Duration.ofSeconds(60);
    static final Duration GAP = Duration.ofMillis(300);

    /** One way to run the work in a fresh process: the command, without the event file that ends it. */
    record Target(String name, String what, List<String> command) {}

    /** One measured process. */
    record Run(String runtime, int round, int position, double coldMs, double exitMs, long rssKb) {}

    /** One uploaded object and the job it makes. */
    record Upload(String job, String key, byte[] content) {}

    /**
     * What one warm process reported of its measured events, in ms: per event, and across them its CPU time (user +
     * sys) and wall time; then this harness's own CPU time (the servers and the receiver) while the process ran.
     */
    record WarmResult(String runtime, String what, int n, double median, double p90, double p99, double min, double max,
            double[] samples, double cpuMs, double spanMs, double processMs, double harnessCpuMs, int handled) {

        double cpuPerEvent() {
            return cpuMs / n;
        }

        double wallPerEvent() {
            return spanMs / n;
        }

        double harnessCpuPerEvent() {
            return harnessCpuMs / handled;
        }
    }

    /** What the receiver saw of one webhook. */
    record Delivery(long receivedNanos, String body, String error) {}

    private static final SecureRandom RANDOM = new SecureRandom();
    /** This JVM's CPU time (user + sys, all threads): the servers' and the receiver's share of each warm run. */
    private static final com.sun.management.OperatingSystemMXBean HARNESS_CPU =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    public static void main(String[] args) throws Exception {
        boolean warm = false;
        Integer rounds = null;
        Integer warmup = null;
        Integer events = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--warm" -> warm = true;
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--events" -> events = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; use --rounds N --warmup N, or --warm --warmup W --events M");
            }
        }
        if (warm ? rounds != null : events != null) {
            throw new IllegalArgumentException(warm ? "--rounds is for cold runs, not --warm" : "--events is for --warm runs");
        }
        // Cold: --warmup is warm-up rounds (default 1). Warm: --warmup is warm-up events per process (default 50).
        warmup = warmup != null ? warmup : warm ? 50 : 1;
        rounds = rounds != null ? rounds : 11;
        events = events != null ? events : 300;
        if (rounds < 1 || warmup < 0 || events < 1) {
            throw new IllegalArgumentException("--rounds and --events must be at least 1 and --warmup at least 0");
        }
        int status = 0;
        try {
            new ColdStartBenchmark().run(warm, rounds, warmup, events);
        } catch (Exception e) {
            e.printStackTrace();
            status = 1;
        }
        // S3Proxy and DynamoDB Local leave non-daemon pool threads behind even when stopped.
        System.exit(status);
    }

    private final String webhookSecret = "whsec_" + Base64.getEncoder().encodeToString(bytes(32));
    private final Map<String, CompletableFuture<Delivery>> expected = new ConcurrentHashMap<>();
    /** Webhooks the receiver got for an expected job (counting repeats) and for any other job. */
    private final AtomicInteger deliveries = new AtomicInteger();
    private final AtomicInteger unexpected = new AtomicInteger();
    private Path logs = WORK.resolve("logs");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private S3Client s3;
    private DynamoDbClient dynamoDb;
    private URI s3Endpoint;
    private URI dynamoDbEndpoint;
    private URI webhookUrl;
    private Path javaBin;
    private Path node;
    private String classpath;
    private String jarClasspath;
    private int runCounter;

    void run(boolean warm, int rounds, int warmup, int events) throws Exception {
        javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        node = onPath("node");
        check();
        Files.createDirectories(WORK.resolve("logs"));
        Files.createDirectories(WORK.resolve("events"));
        Files.createDirectories(WORK.resolve("home"));
        classpath = classpath(false);
        jarClasspath = classpath(true);

        var machine = machineFacts();
        machine.forEach(line -> System.out.println("- " + line));
        System.out.println();

        var stopping = new ArrayList<AutoCloseable>();
        try {
            long began = System.nanoTime();
            startServers(stopping);
            warmServers(20);
            log("servers up and warm in %d ms (S3Proxy %s, DynamoDB Local %s, receiver %s)",
                    millis(System.nanoTime() - began), s3Endpoint, dynamoDbEndpoint, webhookUrl);
            if (warm) {
                warm(warmup, events, machine);
            } else {
                cold(rounds, warmup, machine);
            }
        } finally {
            for (AutoCloseable closeable : stopping.reversed()) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    System.err.println("stopping: " + e);
                }
            }
        }
    }

    /**
     * The collector Lambda's Java runtimes use, and the one the JVM picks by itself with fewer than 2 CPUs or
     * less than 1792 MB (as in a 1024 MB function); on this 2-core, 24 GB machine the default is G1.
     */
    private static final String SERIAL_GC = "-XX:+UseSerialGC";

    private void cold(int rounds, int warmup, List<String> machine) throws Exception {
        List<String> java = List.of(javaBin.toString(), "-cp", classpath, ColdMain.class.getName());
        // An AOT cache takes classes from jars only ("Cannot have non-empty directory in paths"): the AOT
        // rows run the jar the package phase makes of target/classes, and java-jar is row (a) on that classpath.
        List<String> javaJars = List.of(javaBin.toString(), "-cp", jarClasspath, ColdMain.class.getName());
        Files.deleteIfExists(AOT_CACHE);
        var training = new Target("java-aot-training", "JDK 25 training run",
                with(javaJars, SERIAL_GC, "-XX:AOTCacheOutput=" + AOT_CACHE));
        Run trained = runOnce(training, -1, 0);
        if (!Files.isRegularFile(AOT_CACHE)) {
            throw new IllegalStateException("the training run made no AOT cache at " + AOT_CACHE);
        }
        log("AOT cache trained in %.0f ms (whole training process): %s, %d MB", trained.exitMs(), AOT_CACHE,
                Files.size(AOT_CACHE) >> 20);

        // AOTMode=on: a cache the JVM cannot use fails the run instead of being silently ignored.
        String aot = "-XX:AOTCache=" + AOT_CACHE;
        var runtimes = List.of(
                new Target("java", "(a) java -cp target/classes:lib/*, defaults", java),
                new Target("python", "Python 3 + boto3", List.of(PYTHON.toString(), "bench/peers/python/cold.py")),
                new Target("node", "Node.js + AWS SDK v3", List.of(node.toString(), "bench/peers/node/cold.mjs")),
                new Target("java-c1", "(b) (a) + C1 only + SerialGC, as Lambda starts java25 without SnapStart",
                        with(java, "-XX:TieredStopAtLevel=1", SERIAL_GC)),
                new Target("java-jar", "(a) with the classes as a jar, as the AOT rows", javaJars),
                new Target("java-aot", "(c) jars + AOT cache (JEP 483/514/515) + SerialGC",
                        with(javaJars, aot, "-XX:AOTMode=on", SERIAL_GC)),
                new Target("java-aot-c1", "(d) (c) + C1 only",
                        with(javaJars, aot, "-XX:AOTMode=on", SERIAL_GC, "-XX:TieredStopAtLevel=1")));

        for (int w = 0; w < warmup; w++) {
            for (Target runtime : runtimes) {
                runOnce(runtime, -1 - w, 0);
            }
        }
        log("%d warm-up round(s) done; measuring %d rounds of %d processes", warmup, rounds, runtimes.size());

        var runs = new ArrayList<Run>();
        for (int round = 0; round < rounds; round++) {
            var line = new StringBuilder("round " + (round + 1) + ":");
            for (int position = 0; position < runtimes.size(); position++) {
                Target runtime = runtimes.get((position + round) % runtimes.size());
                Run run = runOnce(runtime, round, position);
                runs.add(run);
                line.append(String.format(Locale.ROOT, " %s %.0f ms/%d MB", runtime.name(), run.coldMs(), run.rssKb() / 1024));
            }
            log("%s", line);
        }

        String table = ColdStartReport.table(runtimes, runs, rounds, warmup, machine);
        System.out.println();
        System.out.println(table);
        Files.writeString(WORK.resolve("results.md"), table);
        ColdStartReport.writeCsv(runs);
        log("wrote %s and %s", WORK.resolve("results.md"), WORK.resolve("runs.csv"));
    }

    // ---------------------------------------------------------------------------------------------- warm

    /**
     * Warm handling: per runtime one new process that builds its clients once, then handles {@code warmup +
     * events} event files in name order, each a fresh object under a new job (each runtime its own), and times
     * each event in-process with a monotonic clock around the handler call (Java {@code System.nanoTime()} around
     * {@code handleRequest}, Python {@code time.perf_counter()} and Node {@code process.hrtime.bigint()} around
     * the per-event function). The first {@code warmup} are not counted. Each process reports its own median,
     * p90, p99 (nearest rank) and min as a JSON line. The runtimes run one after another, java, python, node;
     * all objects are uploaded and all event files written before the first starts. A process fails the
     * benchmark when it fails, when one of its webhooks does not verify, names another job or key, or has a
     * presigned URL that does not answer the uploaded bytes (fetched after the process exited), or when the
     * receiver did not get exactly one webhook per event.
     */
    private void warm(int warmup, int events, List<String> machine) throws Exception {
        logs = WARM.resolve("logs");
        deleteTree(WARM.resolve("events"));
        deleteTree(logs);
        Files.createDirectories(logs);
        var runtimes = List.of(
                new Target("java", "java -XX:+UseSerialGC -cp target/classes:lib/* (Lambda's collector, full tiered "
                        + "compilation as with SnapStart), ColdMain --warm: one VideoCompletionHandler",
                        List.of(javaBin.toString(), SERIAL_GC, "-cp", classpath, ColdMain.class.getName())),
                new Target("python", "Python 3 + boto3, cold.py --warm", List.of(PYTHON.toString(), "bench/peers/python/cold.py")),
                new Target("node", "Node.js + AWS SDK v3, cold.mjs --warm", List.of(node.toString(), "bench/peers/node/cold.mjs")));

        long began = System.nanoTime();
        var uploads = new LinkedHashMap<String, List<Upload>>();
        for (Target runtime : runtimes) {
            Path dir = Files.createDirectories(WARM.resolve("events").resolve(runtime.name()));
            var mine = new ArrayList<Upload>();
            String run = HexFormat.of().formatHex(bytes(4));
            for (int i = 0; i < warmup + events; i++) {
                Upload upload = upload(String.format(Locale.ROOT, "warm_%s_%s_%04d", runtime.name(), run, i));
                Files.writeString(dir.resolve(String.format(Locale.ROOT, "%04d.json", i)), event(upload));
                mine.add(upload);
            }
            uploads.put(runtime.name(), mine);
        }
        log("uploaded %d objects and wrote their events (%d per runtime) in %d ms", runtimes.size() * (warmup + events),
                warmup + events, millis(System.nanoTime() - began));

        var results = new ArrayList<WarmResult>();
        for (Target runtime : runtimes) {
            WarmResult result = warmRun(runtime, uploads.get(runtime.name()), warmup, events);
            results.add(result);
            log("%s: %d events measured after %d warm-up: median %.2f ms, p90 %.2f, p99 %.2f, min %.2f, max %.2f; "
                    + "CPU %.2f ms and wall %.2f ms per event; whole process %.1f s; %d webhooks verified", runtime.name(),
                    result.n(), warmup, result.median(), result.p90(), result.p99(), result.min(), result.max(),
                    result.cpuPerEvent(), result.wallPerEvent(), result.processMs() / 1000, warmup + events);
        }

        String table = ColdStartReport.warmTable(results, warmup, events);
        System.out.println(table);
        Files.writeString(WARM.resolve("results.md"), table);
        var csv = new StringBuilder("runtime,event,ms\n");
        for (WarmResult result : results) {
            for (int i = 0; i < result.samples().length; i++) {
                csv.append(String.format(Locale.ROOT, "%s,%d,%.4f%n", result.runtime(), warmup + i + 1, result.samples()[i]));
            }
        }
        Files.writeString(WARM.resolve("events.csv"), csv);
        log("wrote %s and %s", WARM.resolve("results.md"), WARM.resolve("events.csv"));
    }

    private WarmResult warmRun(Target runtime, List<Upload> uploads, int warmup, int events) throws Exception {
        String label = "warm-" + runtime.name();
        var command = new ArrayList<>(runtime.command());
        command.addAll(List.of("--warm", WARM.resolve("events").resolve(runtime.name()).toString(), Integer.toString(warmup)));
        var builder = processBuilder(command, label);
        var futures = new LinkedHashMap<String, CompletableFuture<Delivery>>();
        for (Upload upload : uploads) {
            var future = new CompletableFuture<Delivery>();
            futures.put(upload.job(), future);
            expected.put(upload.job(), future);
        }
        deliveries.set(0);
        unexpected.set(0);
        System.gc();
        Thread.sleep(GAP);

        long harnessCpuStarted = HARNESS_CPU.getProcessCpuTime();
        long started = System.nanoTime();
        Process process = builder.start();
        boolean exited = process.waitFor(WARM_PROCESS_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        double processMs = (System.nanoTime() - started) / 1e6;
        double harnessCpuMs = (HARNESS_CPU.getProcessCpuTime() - harnessCpuStarted) / 1e6;
        try {
            if (!exited) {
                process.destroyForcibly().waitFor();
                throw failure(label, "did not exit within " + WARM_PROCESS_TIMEOUT.toMinutes() + " min");
            }
            if (process.exitValue() != 0) {
                throw failure(label, "exited with " + process.exitValue());
            }
            for (Upload upload : uploads) {
                Delivery got;
                try {
                    got = futures.get(upload.job()).get(5, TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    throw failure(label, "exited without delivering a webhook for job " + upload.job());
                }
                if (got.error() != null) {
                    throw failure(label, "webhook for " + upload.job() + " rejected: " + got.error());
                }
                checkWebhook(label, got.body(), upload.job(), upload.key(), upload.content());
            }
            checkRecorded(label, uploads);
        } finally {
            futures.keySet().forEach(expected::remove);
        }
        if (deliveries.get() != warmup + events || unexpected.get() != 0) {
            throw failure(label, "the receiver got " + deliveries.get() + " webhooks for its " + (warmup + events)
                    + " jobs and " + unexpected.get() + " for other jobs");
        }

        String line = Files.readAllLines(logs.resolve(label + ".out")).reversed().stream()
                .filter(l -> l.startsWith("{") && l.contains("\"median_ms\"")).findFirst().orElse(null);
        if (line == null) {
            throw failure(label, "printed no line with median_ms");
        }
        JsonNode report = TestJson.MAPPER.readTree(line);
        double[] samples = new double[report.path("samples_ms").size()];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = report.path("samples_ms").get(i).asDouble();
        }
        if (!runtime.name().equals(report.path("runtime").asText()) || report.path("n").asInt() != events
                || report.path("warmup").asInt() != warmup || samples.length != events
                || !report.path("cpu_ms").isNumber() || !report.path("span_ms").isNumber()) {
            throw failure(label, "reported another run than " + warmup + " + " + events + " events: " + line.substring(0, Math.min(200, line.length())));
        }
        return new WarmResult(runtime.name(), runtime.what(), events, report.path("median_ms").asDouble(),
                report.path("p90_ms").asDouble(), report.path("p99_ms").asDouble(), report.path("min_ms").asDouble(),
                report.path("max_ms").asDouble(), samples, report.path("cpu_ms").asDouble(), report.path("span_ms").asDouble(),
                processMs, harnessCpuMs, warmup + events);
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- one run

    private Run runOnce(Target runtime, int round, int position) throws Exception {
        int n = ++runCounter;
        String label = String.format(Locale.ROOT, "%03d-%s", n, runtime.name());
        String job = "cold_" + runtime.name().replace('-', '_') + "_" + n + "_" + HexFormat.of().formatHex(bytes(4));
        Upload upload = upload(job);
        String key = upload.key();
        byte[] content = upload.content();
        Path event = WORK.resolve("events").resolve(label + ".json");
        Files.writeString(event, event(upload));

        Path rss = WORK.resolve("logs").resolve(label + ".rss");
        var command = new ArrayList<>(List.of(TIME.toString(), "-f", "%M", "-o", rss.toString()));
        command.addAll(runtime.command());
        command.add(event.toString());
        var builder = processBuilder(command, label);

        var delivery = new CompletableFuture<Delivery>();
        expected.put(job, delivery);
        System.gc();
        Thread.sleep(GAP);

        long started = System.nanoTime();
        Process process = builder.start();
        boolean exited = process.waitFor(PROCESS_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        long ended = System.nanoTime();
        if (!exited) {
            process.destroyForcibly().waitFor();
            throw failure(label, "did not exit within " + PROCESS_TIMEOUT.toSeconds() + " s");
        }
        if (process.exitValue() != 0) {
            Delivery rejected = delivery.getNow(null);
            throw failure(label, "exited with " + process.exitValue()
                    + (rejected != null && rejected.error() != null ? " after its webhook was rejected: " + rejected.error() : ""));
        }
        Delivery got;
        try {
            got = delivery.get(5, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw failure(label, "exited without delivering a webhook for job " + job);
        } finally {
            expected.remove(job);
        }
        if (got.error() != null) {
            throw failure(label, "webhook rejected: " + got.error());
        }
        checkWebhook(label, got.body(), job, key, content);
        checkRecorded(label, List.of(upload));
        long rssKb = Long.parseLong(Files.readAllLines(rss).getLast().strip());
        return new Run(runtime.name(), round, position, (got.receivedNanos() - started) / 1e6, (ended - started) / 1e6, rssKb);
    }

    /** A process with stdin from /dev/null, stdout and stderr to {@code logs}/label.out/.err and only the handler's environment. */
    private ProcessBuilder processBuilder(List<String> command, String label) {
        var builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(logs.resolve(label + ".out").toFile())
                .redirectError(logs.resolve(label + ".err").toFile());
        var env = builder.environment();
        env.clear();
        env.putAll(Map.of(
                "PATH", "/usr/bin:/bin",
                "HOME", WORK.resolve("home").toAbsolutePath().toString(),
                "LANG", "C.UTF-8",
                "AWS_REGION", REGION,
                "AWS_ACCESS_KEY_ID", ACCESS_KEY,
                "AWS_SECRET_ACCESS_KEY", SECRET_KEY,
                "AWS_EC2_METADATA_DISABLED", "true",
                "VIDEO_BUCKET", BUCKET,
                "VIDEO_TABLE", TABLE,
                "WEBHOOK_URL", webhookUrl.toString()));
        env.put("WEBHOOK_SECRET", webhookSecret);
        env.put("AWS_ENDPOINT_URL_S3", s3Endpoint.toString());
        env.put("AWS_ENDPOINT_URL_DYNAMODB", dynamoDbEndpoint.toString());
        return builder;
    }

    /** The body names the job and key, and its file_url, fetched now, answers the uploaded bytes. */
    private void checkWebhook(String label, String body, String job, String key, byte[] content) throws Exception {
        JsonNode payload = TestJson.MAPPER.readTree(body);
        JsonNode video = payload.at("/data/videos/0");
        if (!job.equals(payload.path("job_id").asText()) || !key.equals(video.path("s3_key").asText())) {
            throw failure(label, "webhook for another job or key: " + body);
        }
        String fileUrl = video.path("file_url").asText("");
        if (fileUrl.isEmpty()) {
            throw failure(label, "webhook without file_url: " + body);
        }
        var response = http.send(HttpRequest.newBuilder(URI.create(fileUrl)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200 || !Arrays.equals(response.body(), content)) {
            throw failure(label, "presigned URL answered " + response.statusCode() + " with "
                    + response.body().length + " bytes, not the uploaded " + content.length + ": " + fileUrl);
        }
    }

    /**
     * Every runtime leaves the table as the Java function does: per job the item recording its video with its
     * delivery DELIVERED after one attempt and its lease released, and per key the key index item naming the job.
     */
    private void checkRecorded(String label, List<Upload> uploads) throws IOException {
        for (int from = 0; from < uploads.size(); from += 50) {
            var batch = uploads.subList(from, Math.min(uploads.size(), from + 50));
            var keys = new ArrayList<Map<String, AttributeValue>>();
            for (Upload upload : batch) {
                keys.add(Map.of("job_id", AttributeValue.fromS(upload.job())));
                keys.add(Map.of("job_id", AttributeValue.fromS("key#" + upload.key())));
            }
            var items = new java.util.HashMap<String, Map<String, AttributeValue>>();
            Map<String, KeysAndAttributes> request = Map.of(TABLE, KeysAndAttributes.builder().keys(keys).consistentRead(true).build());
            while (!request.isEmpty()) {
                var next = request;
                var response = dynamoDb.batchGetItem(b -> b.requestItems(next));
                response.responses().getOrDefault(TABLE, List.of()).forEach(item -> items.put(item.get("job_id").s(), item));
                request = response.unprocessedKeys();
            }
            for (Upload upload : batch) {
                var job = items.getOrDefault(upload.job(), Map.of());
                var index = items.getOrDefault("key#" + upload.key(), Map.of());
                boolean recorded = job.containsKey("videos") && job.get("videos").m().containsKey(upload.key())
                        && "DELIVERED".equals(text(job, "delivery_state")) && "1".equals(number(job, "attempts"))
                        && !job.containsKey("lease_until") && !job.containsKey("due");
                if (!recorded || !upload.job().equals(text(index, "points_to"))) {
                    throw failure(label, "left the table unlike the Java function for job " + upload.job() + ": " + job
                            + " and key index item " + index);
                }
            }
        }
    }

    private static String text(Map<String, AttributeValue> item, String name) {
        return item.containsKey(name) ? item.get(name).s() : null;
    }

    private static String number(Map<String, AttributeValue> item, String name) {
        return item.containsKey(name) ? item.get(name).n() : null;
    }

    private IllegalStateException failure(String label, String what) throws IOException {
        Path err = logs.resolve(label + ".err");
        String tail = Files.exists(err) ? Files.readString(err) : "";
        if (tail.length() > 3000) {
            tail = "…" + tail.substring(tail.length() - 3000);
        }
        return new IllegalStateException("run " + label + " " + what + (tail.isBlank() ? "" : "\n--- its stderr:\n" + tail));
    }

    /** A fresh 4 KiB object under a new job: {@code generated_videos/user_42/{job}/clip.mp4}. */
    private Upload upload(String job) {
        String key = "generated_videos/user_42/" + job + "/clip.mp4";
        byte[] content = bytes(4096);
        s3.putObject(p -> p.bucket(BUCKET).key(key).contentType("video/mp4").metadata(Map.of("processing-time", "12.5")),
                RequestBody.fromBytes(content));
        return new Upload(job, key, content);
    }

    /** The S3 notification for an upload, with the ETag S3Proxy reports for it. */
    private String event(Upload upload) throws IOException {
        String etag = s3.headObject(h -> h.bucket(BUCKET).key(upload.key())).eTag().replace("\"", "");
        return event(upload.key(), upload.content().length, etag);
    }

    /** events/s3-object-created.json with one record for this object. */
    private static String event(String key, int size, String etag) throws IOException {
        JsonNode template = TestJson.MAPPER.readTree(Path.of("events", "s3-object-created.json").toFile());
        ObjectNode record = (ObjectNode) template.path("Records").get(0).deepCopy();
        record.put("awsRegion", REGION);
        record.put("eventTime", Instant.now().toString());
        ObjectNode s3 = (ObjectNode) record.path("s3");
        ((ObjectNode) s3.path("bucket")).put("name", BUCKET).put("arn", "arn:aws:s3:::" + BUCKET);
        ((ObjectNode) s3.path("object")).put("key", key).put("size", size).put("eTag", etag)
                .put("sequencer", String.format(Locale.ROOT, "%018X", System.nanoTime()));
        var root = TestJson.MAPPER.createObjectNode();
        root.putArray("Records").add(record);
        return TestJson.MAPPER.writeValueAsString(root);
    }

    // ---------------------------------------------------------------------------------------------- servers

    private void startServers(List<AutoCloseable> stopping) throws Exception {
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
        var localS3 = LocalS3.start(new LocalS3.Options(0, null, java.util.function.UnaryOperator.identity(), credentials,
                REGION), BUCKET);
        stopping.add(localS3);
        s3Endpoint = localS3.endpoint();
        s3 = localS3.client();

        var localDynamoDb = LocalDynamoDb.start(0, null, credentials, REGION);
        stopping.add(localDynamoDb);
        dynamoDbEndpoint = localDynamoDb.endpoint();
        dynamoDb = localDynamoDb.client();
        localDynamoDb.createVideoTable(TABLE);

        Webhook verifier = new Webhook(webhookSecret);
        var receiver = WebhookReceiver.start(0, request -> {
            String body = request.text();
            var headers = new LinkedHashMap<String, List<String>>();
            request.headers().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values));
            String error = null;
            try {
                verifier.verify(body, headers);
                try {
                    verifier.verify(body + " ", headers);
                    error = "the verifier accepts a changed body: it checks nothing";
                } catch (WebhookVerificationException expectedForAChangedBody) {
                    // as it must
                }
            } catch (WebhookVerificationException e) {
                error = "signature does not verify: " + e.getMessage();
            }
            String job;
            try {
                job = TestJson.MAPPER.readTree(body).path("job_id").asText("");
            } catch (IOException e) {
                job = "";
                error = "body is not JSON";
            }
            var waiting = expected.get(job);
            if (waiting == null) {
                unexpected.incrementAndGet();
                System.err.println("receiver: webhook for an unexpected job '" + job + "'");
                return WebhookReceiver.Answer.status(409);
            }
            deliveries.incrementAndGet();
            waiting.complete(new Delivery(request.receivedNanos(), body, error));
            return WebhookReceiver.Answer.status(error == null ? 204 : 401);
        });
        stopping.add(receiver);
        webhookUrl = receiver.url();
    }

    /** The request kinds the processes make, through S3Proxy and DynamoDB Local, so no run meets a cold server. */
    private void warmServers(int times) throws Exception {
        var presigner = software.amazon.awssdk.services.s3.presigner.S3Presigner.builder()
                .region(Region.of(REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .endpointOverride(s3Endpoint)
                .serviceConfiguration(software.amazon.awssdk.services.s3.S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .build();
        try (presigner) {
            for (int i = 0; i < times; i++) {
                String job = "warm_" + i;
                String key = "generated_videos/warm/" + job + "/clip.mp4";
                byte[] content = bytes(4096);
                s3.putObject(p -> p.bucket(BUCKET).key(key).contentType("video/mp4"), RequestBody.fromBytes(content));
                s3.headObject(h -> h.bucket(BUCKET).key(key));
                dynamoDb.putItem(p -> p.tableName(TABLE).item(Map.of("job_id",
                        software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(job)))
                        .conditionExpression("attribute_not_exists(job_id)"));
                dynamoDb.getItem(g -> g.tableName(TABLE).consistentRead(true).key(Map.of("job_id",
                        software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(job))));
                URI url = presigner.presignGetObject(p -> p.signatureDuration(Duration.ofHours(1))
                        .getObjectRequest(g -> g.bucket(BUCKET).key(key))).url().toURI();
                var response = http.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofByteArray());
                if (response.statusCode() != 200 || !Arrays.equals(response.body(), content)) {
                    throw new IllegalStateException("warm-up: presigned GET answered " + response.statusCode());
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- report

    // ---------------------------------------------------------------------------------------------- setup

    /** Fails early, with what to do, when a part of the benchmark is missing. */
    private void check() {
        var missing = new ArrayList<String>();
        if (!Files.isDirectory(Path.of("functions", "target", "classes", "dev", "videolinks")) || !Files.isDirectory(Path.of("functions", "target", "lambda", "lib"))) {
            missing.add("the Lambda package (functions/target/classes, functions/target/lambda/lib): ./mvnw -DskipTests package");
        }
        if (!Files.isExecutable(TIME)) {
            missing.add("GNU time at /usr/bin/time: apt-get install time");
        }
        if (!Files.isExecutable(PYTHON) || !Files.isDirectory(Path.of("/usr/lib/python3/dist-packages/boto3"))) {
            missing.add("Debian's python3 with boto3: apt-get install python3-boto3");
        }
        if (node == null) {
            missing.add("node on the PATH (Node.js 20 or newer)");
        }
        if (!Files.isDirectory(Path.of("bench", "peers", "node", "node_modules", "@aws-sdk", "client-s3"))) {
            missing.add("the Node peer's packages: (cd bench/peers/node && npm ci)");
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("bench/cold needs:\n  " + String.join("\n  ", missing));
        }
    }

    /**
     * The Lambda package's classpath plus ColdMain alone: its classes are copied out of the test classes into
     * a directory (or a jar) of their own, so the processes see no test code. With {@code jars}, the project's
     * classes come from the jar the package phase makes of target/classes. Library jars in name order.
     */
    private static String classpath(boolean jars) throws Exception {
        Path source = Path.of(ColdMain.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve("dev").resolve("videolinks");
        Path main = WORK.resolve("main");
        Path target = main.resolve("dev").resolve("videolinks");
        Files.createDirectories(target);
        List<Path> mainClasses;
        try (Stream<Path> classes = Files.list(source)) {
            mainClasses = classes.filter(f -> f.getFileName().toString().startsWith("ColdMain")).sorted().toList();
        }
        for (Path file : mainClasses) {
            Files.copy(file, target.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        var entries = new ArrayList<String>();
        if (jars) {
            Path mainJar = WORK.resolve("cold-main.jar");
            try (var jar = new java.util.jar.JarOutputStream(Files.newOutputStream(mainJar))) {
                for (Path file : mainClasses) {
                    jar.putNextEntry(new java.util.jar.JarEntry("dev/videolinks/" + file.getFileName()));
                    jar.write(Files.readAllBytes(file));
                    jar.closeEntry();
                }
            }
            List<Path> packaged;
            try (Stream<Path> files = Files.list(Path.of("functions", "target"))) {
                packaged = files.filter(f -> f.getFileName().toString().matches("video-links-.*\\.jar")).toList();
            }
            if (packaged.size() != 1) {
                throw new IllegalStateException("expected one target/video-links-*.jar from the package phase, found " + packaged);
            }
            entries.add(packaged.getFirst().toString());
            entries.add(mainJar.toString());
        } else {
            entries.add("functions/target/classes");
            entries.add(main.toString());
        }
        try (Stream<Path> libs = Files.list(Path.of("functions", "target", "lambda", "lib"))) {
            libs.filter(f -> f.toString().endsWith(".jar")).map(Path::toString).sorted().forEach(entries::add);
        }
        return String.join(":", entries);
    }

    private List<String> machineFacts() throws Exception {
        var facts = new ArrayList<String>();
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("?");
        facts.add("machine: " + Runtime.getRuntime().availableProcessors()
                + " cores (" + cpu + "), " + firstLine(List.of("uname", "-sr")) + ", " + firstLine(List.of("sh", "-c", "grep PRETTY_NAME /etc/os-release | cut -d'\"' -f2")));
        facts.add("java: " + javaBin + " — " + firstLine(List.of(javaBin.toString(), "-version")) + " / "
                + lines(List.of(javaBin.toString(), "-version")).get(1));
        facts.add("python: " + PYTHON + " — " + firstLine(List.of(PYTHON.toString(), "-c",
                "import sys, boto3, botocore; print(sys.version.split()[0], 'boto3', boto3.__version__, 'botocore', botocore.__version__)")));
        JsonNode s3Package = TestJson.MAPPER.readTree(Path.of("bench", "peers", "node", "node_modules", "@aws-sdk", "client-s3", "package.json").toFile());
        JsonNode presignerPackage = TestJson.MAPPER.readTree(Path.of("bench", "peers", "node", "node_modules", "@aws-sdk", "s3-request-presigner", "package.json").toFile());
        facts.add("node: " + node + " — " + firstLine(List.of(node.toString(), "--version")) + ", @aws-sdk/client-s3 "
                + s3Package.path("version").asText() + ", s3-request-presigner " + presignerPackage.path("version").asText());
        return facts;
    }

    private static String firstLine(List<String> command) throws Exception {
        return lines(command).getFirst();
    }

    private static List<String> lines(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        var lines = text.lines().toList();
        return lines.isEmpty() ? List.of("?") : lines;
    }

    private static Path onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path candidate = Path.of(dir, name);
            if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static List<String> with(List<String> javaCommand, String... options) {
        var command = new ArrayList<String>();
        command.add(javaCommand.getFirst());
        command.addAll(List.of(options));
        command.addAll(javaCommand.subList(1, javaCommand.size()));
        return command;
    }

    private static byte[] bytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    private static void log(String format, Object... args) {
        System.err.printf(Locale.ROOT, "[cold] " + format + "%n", args);
    }
}
