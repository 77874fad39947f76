package dev.videolinks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.videolinks.SimulationHistory.Delete;
import dev.videolinks.SimulationHistory.DeleteVersion;
import dev.videolinks.SimulationHistory.Op;
import dev.videolinks.SimulationHistory.Put;
import dev.videolinks.SimulationHistory.PutAgain;
import dev.videolinks.SimulationHistory.Receiver;
import dev.videolinks.SimulationScheduler.Actor;
import dev.videolinks.testing.LocalS3;
import dev.videolinks.testing.MutableClock;
import dev.videolinks.testing.TableDefinition;
import dev.videolinks.testing.Template;
import dev.videolinks.testing.TestContext;
import dev.videolinks.testing.TestJson;
import dev.videolinks.testing.WebhookReceiver;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;

/**
 * One history run against the functions as they are wired for Lambda, on S3Proxy and DynamoDB Local: the
 * generator's operations performed on a real bucket, S3's events (with rising sequencers per key) delivered in an
 * order the seed chooses, some of them twice or three times, invocations interleaved call by call, faults injected
 * ({@link SimulationFaults}), Lambda's two retries of a failed invocation, and the scheduled redelivery run at
 * random moments of a clock that jumps. Then quiescence: faults off, the receiver healthy, every event that
 * exhausted its retries sent again (the failure queue redriven) and redelivery run until nothing is due. Then
 * {@link SimulationChecks} compares the table, the URL API and the webhooks with the bucket.
 */
final class Simulation {

    static final Instant START = Instant.parse("2026-12-01T00:00:00Z");
    static final String SECRET = VideoCompletionHandlerTest.SECRET;
    private static final AtomicInteger RUNS = new AtomicInteger();
    /** Where each run writes its trace (every step and call), for comparing two runs of a seed; null: nowhere. */
    static volatile java.nio.file.Path traces;

    /**
     * What a worker runs its histories on, one at a time: S3Proxy, DynamoDB Local, a receiver, one bucket and one
     * table made anew for each history, a clock set back at each start, and the functions, wired once (as a warm
     * Lambda environment is reused) with SDK clients that route each call through the current history's gates and
     * faults.
     */
    static final class World implements AutoCloseable {
        final LocalS3 s3;
        final DynamoDbClient dynamoDb;
        final WebhookReceiver receiver;
        final String bucket;
        final String table;
        final MutableClock clock = new MutableClock(START);
        final Wiring wiring;
        final VideoUrlHandler api;
        final WebhookRedeliveryHandler redelivery;
        final ArrayDeque<VideoCompletionHandler> idleHandlers = new ArrayDeque<>();
        volatile Simulation current;

        World(String name, LocalS3 s3, DynamoDbClient dynamoDb) throws IOException {
            this.s3 = s3;
            this.dynamoDb = dynamoDb;
            this.receiver = WebhookReceiver.start(0, request -> current.answer(request));
            this.bucket = name;
            this.table = name;
            Supplier<SimulationFaults> faults = () -> current.faults;
            var hooks = new Wiring.ClientHooks(o -> o.addExecutionInterceptor(SimulationFaults.s3Gate(faults)),
                    unused -> SimulationFaults.dynamoDb(dynamoDb, faults));
            this.wiring = Wiring.of(env(), LocalS3.CREDENTIALS, clock, this::log).sleepingWith(clock::advance)
                    .withClientHooks(hooks);
            // The URL API signs with the real clock, so that S3Proxy takes its URLs.
            this.api = Wiring.of(env(), LocalS3.CREDENTIALS, java.time.Clock.systemUTC(), this::log).withClientHooks(hooks)
                    .urlHandler();
            this.redelivery = wiring.redeliveryHandler();
        }

        private Map<String, String> env() {
            var env = new HashMap<String, String>();
            env.put("AWS_REGION", LocalS3.REGION);
            env.put("VIDEO_BUCKET", bucket);
            env.put("VIDEO_TABLE", table);
            env.put("AWS_ENDPOINT_URL_S3", s3.endpoint().toString());
            env.put("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:1");
            env.put("WEBHOOK_URL", receiver.url().toString());
            env.put("WEBHOOK_SECRET", SECRET);
            env.put("AUTH_MODE", "IAM");
            return env;
        }

        /** Keeps the history's log lines; a line that holds a signature, a secret or a key fails the run at once. */
        private void log(String line) {
            for (String secret : CheckedLog.FORBIDDEN) {
                if (line.contains(secret)) {
                    throw new AssertionError("a log line holds '" + secret + "': " + line);
                }
            }
            current.logs.add(line);
        }

        @Override
        public void close() {
            receiver.close();
        }

        /** A Lambda environment: one invocation at a time each, reused when free, as Lambda reuses them. */
        synchronized VideoCompletionHandler borrow() {
            var handler = idleHandlers.poll();
            return handler != null ? handler : wiring.completionHandler();
        }

        synchronized void giveBack(VideoCompletionHandler handler) {
            idleHandlers.push(handler);
        }

        @Override
        public String toString() {
            return bucket;
        }
    }

    /** One S3 object (or delete marker) as the bucket holds it, and what the generator meant by it. */
    record S3Object(String key, String versionId, String etag, byte[] bytes, Map<String, String> metadata, String job,
            String user, int count, boolean deleteMarker) {

        /**
         * The same version as far as the checks can tell: the same bytes. Each upload's bytes are unique, but for
         * "the same bytes again"; version ids are not compared, because S3Proxy's transient store now and then keeps
         * one upload as two versions.
         */
        boolean sameVersion(String etag) {
            return this.etag.equals(etag);
        }
    }

    /** An S3 event, as the notification carries it. */
    record Event(int index, int op, String name, String key, String versionId, String etag, String sequencer) {}

    /** One delivery of an event to the completion function: Lambda's attempt number and request id. */
    record Delivery(Event event, int attempt, String requestId) {}

    /** A webhook as the receiver saw it, who sent it and when, and how it was answered. */
    record Webhook(String webhookId, JsonNode body, byte[] raw, Map<String, String> headers, int status, Actor sender,
            long step) {}

    /** A key's current object from a step on (null: none), for telling when a version stopped being current. */
    record Change(long step, int op, S3Object current) {}

    final SimulationHistory history;
    final World world;
    final String bucket;
    final String table;
    final MutableClock clock;
    final SimulationScheduler scheduler = new SimulationScheduler();
    final SimulationFaults faults;
    final List<String> logs = new CopyOnWriteArrayList<>();
    final List<Webhook> webhooks = new CopyOnWriteArrayList<>();
    final List<String> problems = new ArrayList<>();
    /** Every version each key had (markers included), oldest first; in an unversioned bucket only the current. */
    final Map<String, List<S3Object>> objects = new LinkedHashMap<>();
    final Map<String, List<Change>> timeline = new HashMap<>();
    final Map<String, S3Object> lastPut = new HashMap<>();
    private final List<S3Object> allPuts = new ArrayList<>();
    final List<Event> events = new ArrayList<>();
    /** The step at which each event's handling first completed. */
    final Map<Integer, Long> handled = new HashMap<>();
    /** What the scheduler did, step by step: two runs of one seed must make the same trace. */
    final List<String> trace = new ArrayList<>();
    private final SplittableRandom random;
    private volatile int receiverStatus = 200;
    /**
     * S3's sequencers are unique per key for all time: each run starts its own range, so that no two runs ever
     * make the same write (DynamoDB keeps a transaction's request token, derived from the event, for ten minutes).
     */
    private long sequencer = 0x0071000000000000L + ((long) RUNS.incrementAndGet() << 24);

    private Simulation(SimulationHistory history, World world) {
        this.history = history;
        this.world = world;
        this.bucket = world.bucket;
        this.table = world.table;
        this.clock = world.clock;
        this.random = new SplittableRandom(history.seed() * 31 + 7);
        this.faults = new SimulationFaults(scheduler, new SplittableRandom(history.seed() * 17 + 3), history.faults());
    }

    /** Runs the history from start to quiescence and answers what the checks found wrong (empty: nothing). */
    static List<String> run(SimulationHistory history, World world) {
        var simulation = new Simulation(history, world);
        world.current = simulation;
        world.clock.set(START);
        try {
            simulation.setUp();
            simulation.play();
            simulation.quiesce();
            simulation.problems.addAll(new SimulationChecks(simulation).violations());
        } catch (RuntimeException | AssertionError e) {
            simulation.problems.add("the run itself failed: " + e);
        } finally {
            if (traces != null) {
                try {
                    java.nio.file.Files.createDirectories(traces);
                    java.nio.file.Files.write(traces.resolve("seed-" + history.seed() + "-run-" + RUNS.get()
                            + ".txt"), simulation.trace);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            simulation.scheduler.abort();
            simulation.tearDown();
        }
        return simulation.problems;
    }

    private void setUp() {
        faults.calls = traces == null ? null : call -> {
            var actor = SimulationScheduler.current();
            synchronized (trace) {
                trace.add("    " + (actor == null ? "main" : actor.name) + ": " + call);
            }
        };
        world.dynamoDb.createTable(TableDefinition.from(Template.load().resourceProperties("VideoTable"), table));
        var s3 = world.s3.client();
        s3.createBucket(b -> b.bucket(bucket));
        if (world.dynamoDb.scan(scan -> scan.tableName(table)).count() > 0) {
            throw new IllegalStateException("table " + table + " was made anew with items in it");
        }
        if (s3.listObjectVersions(l -> l.bucket(bucket)).versions().size() > 0) {
            throw new IllegalStateException("bucket " + bucket + " was made anew with objects in it");
        }
        if (history.versioned()) {
            s3.putBucketVersioning(v -> v.bucket(bucket).versioningConfiguration(c -> c.status(BucketVersioningStatus.ENABLED)));
        }
    }

    private void tearDown() {
        try {
            world.dynamoDb.deleteTable(d -> d.tableName(table));
            var s3 = world.s3.client();
            var versions = s3.listObjectVersions(l -> l.bucket(bucket));
            var gone = new ArrayList<ObjectIdentifier>();
            versions.versions().forEach(v -> gone.add(ObjectIdentifier.builder().key(v.key()).versionId(v.versionId()).build()));
            versions.deleteMarkers().forEach(m -> gone.add(ObjectIdentifier.builder().key(m.key()).versionId(m.versionId()).build()));
            for (var object : gone) {
                s3.deleteObject(d -> d.bucket(bucket).key(object.key()).versionId(object.versionId()));
            }
            s3.deleteBucket(b -> b.bucket(bucket));
        } catch (RuntimeException e) {
            problems.add("could not clean up: " + e);
        }
    }

    // The history as it unfolds.

    private final ArrayDeque<Op> opsLeft = new ArrayDeque<>();
    private final List<Delivery> pending = new ArrayList<>();
    private final List<Actor> parked = new ArrayList<>();
    private final Map<Actor, Delivery> deliveryOf = new HashMap<>();
    private final List<Event> failureQueue = new ArrayList<>();
    private Actor redelivery;
    private int opIndex;

    private void play() {
        opsLeft.addAll(history.ops());
        while (!opsLeft.isEmpty() || !pending.isEmpty() || !parked.isEmpty()) {
            int opWeight = opsLeft.isEmpty() ? 0 : 3;
            int startWeight = pending.isEmpty() ? 0 : 3;
            int resumeWeight = 4 * parked.size();
            int redeliverWeight = 1;
            int tickWeight = 1;
            int roll = random.nextInt(opWeight + startWeight + resumeWeight + redeliverWeight + tickWeight);
            if ((roll -= opWeight) < 0) {
                trace.add("op " + opIndex);
                perform(opsLeft.poll());
            } else if ((roll -= startWeight) < 0) {
                var delivery = pending.remove(random.nextInt(pending.size()));
                var actor = scheduler.spawn("completion " + delivery.requestId() + "#" + delivery.attempt(),
                        () -> invoke(delivery));
                deliveryOf.put(actor, delivery);
                trace.add("start " + actor.name);
                step(actor);
            } else if ((roll -= resumeWeight) < 0) {
                var actor = parked.remove(random.nextInt(parked.size()));
                trace.add("resume " + actor.name);
                step(actor);
            } else if ((roll -= redeliverWeight) < 0) {
                if (redelivery == null) {
                    redelivery = scheduler.spawn("redelivery " + scheduler.steps(), this::redeliver);
                    step(redelivery);
                }
            } else {
                clock.advance(Duration.ofSeconds(1 + random.nextInt(120)));
                trace.add("tick " + clock.instant());
            }
        }
        if (redelivery != null) {
            scheduler.finish(redelivery);
            ended(redelivery);
        }
    }

    private void step(Actor actor) {
        scheduler.resume(actor);
        trace.add("  " + (actor.finished() ? "ended " + actor.failure() : "parked") + " logs " + logs.size()
                + " webhooks " + webhooks.size());
        if (actor.finished()) {
            ended(actor);
        } else {
            parked.add(actor);
        }
    }

    private void ended(Actor actor) {
        if (actor == redelivery) {
            redelivery = null;
            if (actor.failure() != null && !expected(actor.failure())) {
                problems.add("redelivery failed unexpectedly: " + describe(actor.failure()));
            }
            return;
        }
        var delivery = deliveryOf.remove(actor);
        if (actor.failure() == null) {
            handled.putIfAbsent(delivery.event().index(), scheduler.steps());
            return;
        }
        if (!expected(actor.failure())) {
            problems.add("event " + delivery.event().index() + " (" + delivery.event().name() + " "
                    + delivery.event().key() + ") failed unexpectedly: " + describe(actor.failure()));
        }
        if (delivery.attempt() < 3) {
            // Lambda retries a failed asynchronous invocation twice, with the same request id.
            pending.add(new Delivery(delivery.event(), delivery.attempt() + 1, delivery.requestId()));
        } else {
            failureQueue.add(delivery.event());
        }
    }

    /** A failure the simulation caused on purpose, or the function's own "webhook not delivered". */
    private static boolean expected(Throwable failure) {
        return failure instanceof SimulationScheduler.InvocationStopped
                || failure instanceof VideoCompletionHandler.WebhookDeliveryException
                || String.valueOf(failure.getMessage()).contains("(simulated:");
    }

    static String describe(Throwable failure) {
        var out = new java.io.StringWriter();
        failure.printStackTrace(new java.io.PrintWriter(out));
        return out.toString().lines().limit(12).reduce((a, b) -> a + "\n      " + b).orElse("");
    }

    private void invoke(Delivery delivery) {
        VideoCompletionHandler handler = world.borrow();
        try {
            var out = new ByteArrayOutputStream();
            handler.handleRequest(new ByteArrayInputStream(notification(delivery.event())), out,
                    new TestContext(delivery.requestId(), 60_000));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            world.giveBack(handler);
        }
    }

    private void redeliver() {
        try {
            world.redelivery.handleRequest(new ByteArrayInputStream("{}".getBytes(StandardCharsets.UTF_8)),
                    new ByteArrayOutputStream(), new TestContext("redelivery-" + scheduler.steps(), 60_000));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void perform(Op op) {
        int index = opIndex++;
        if (history.versioned()) {
            // S3Proxy 4.1 orders a key's versions by their modification times, in milliseconds: two versions made in
            // one millisecond would leave it to chance which one a deletion promotes.
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        var s3 = world.s3.client();
        switch (op) {
            case Put put -> upload(index, put.key(), metadata(put), bytes(index, put));
            case PutAgain again -> {
                S3Object last = lastPut.get(again.key());
                if (last != null) {
                    upload(index, again.key(), last.metadata(), last.bytes());
                }
            }
            case Delete delete -> {
                s3.deleteObject(d -> d.bucket(bucket).key(delete.key()));
                var versions = objects.computeIfAbsent(delete.key(), k -> new ArrayList<>());
                if (history.versioned()) {
                    String markerId = latestVersion(delete.key());
                    var marker = new S3Object(delete.key(), markerId, "", new byte[0], Map.of(), null, null, 0, true);
                    versions.add(marker);
                    allPuts.add(marker);
                    emit(index, "ObjectRemoved:DeleteMarkerCreated", delete.key(), markerId, null);
                } else {
                    versions.clear();
                    emit(index, "ObjectRemoved:Delete", delete.key(), null, null);
                }
            }
            case DeleteVersion deletion -> {
                var versions = objects.getOrDefault(deletion.key(), List.of()).stream().filter(o -> !o.deleteMarker()).toList();
                if (!versions.isEmpty()) {
                    S3Object gone = versions.get(deletion.nth() % versions.size());
                    deleteVersion(deletion.key(), gone.versionId());
                    objects.get(deletion.key()).remove(gone);
                    emit(index, "ObjectRemoved:Delete", deletion.key(), gone.versionId(), null);
                }
            }
            case Receiver receiver -> receiverStatus = receiver.status();
        }
        resync();
        for (String key : SimulationHistory.KEYS) {
            S3Object now = current(key);
            var changes = timeline.computeIfAbsent(key, k -> new ArrayList<>());
            if (changes.isEmpty() || changes.getLast().current() != now) {
                changes.add(new Change(scheduler.steps(), index, now));
            }
        }
    }

    /**
     * The model of each key's versions as S3 lists them after an operation: what the bucket holds is what the table
     * must follow, even where S3Proxy's transient store differs from S3 (it now and then keeps the current version
     * of a key when that version is deleted).
     */
    private void resync() {
        if (!history.versioned()) {
            return;
        }
        var byVersion = new HashMap<String, S3Object>();
        objects.values().forEach(versions -> versions.forEach(o -> byVersion.put(o.versionId(), o)));
        lastPut.values().forEach(o -> byVersion.putIfAbsent(o.versionId(), o));
        allPuts.forEach(o -> byVersion.putIfAbsent(o.versionId(), o));
        var listed = world.s3.client().listObjectVersions(l -> l.bucket(bucket));
        var fresh = new LinkedHashMap<String, List<S3Object>>();
        var entries = new ArrayList<S3Object>();
        for (var v : listed.versions()) {
            // A version S3Proxy made twice of one upload has another id than the one the upload was told.
            S3Object known = byVersion.get(v.versionId());
            if (known == null) {
                String etag = v.eTag().replace("\"", "");
                known = allPuts.stream().filter(o -> o.key().equals(v.key()) && o.etag().equals(etag)).findFirst()
                        .map(o -> new S3Object(o.key(), v.versionId(), o.etag(), o.bytes(), o.metadata(), o.job(), o.user(),
                                o.count(), false))
                        .orElseThrow(() -> new IllegalStateException("S3 lists version " + v.versionId() + " of " + v.key()
                                + " with bytes no upload of the simulation had"));
            }
            entries.add(known);
        }
        listed.deleteMarkers().forEach(m -> entries.add(byVersion.getOrDefault(m.versionId(),
                new S3Object(m.key(), m.versionId(), "", new byte[0], Map.of(), null, null, 0, true))));
        var latest = new HashMap<String, String>();
        listed.versions().stream().filter(v -> Boolean.TRUE.equals(v.isLatest())).forEach(v -> latest.put(v.key(), v.versionId()));
        listed.deleteMarkers().stream().filter(m -> Boolean.TRUE.equals(m.isLatest())).forEach(m -> latest.put(m.key(), m.versionId()));
        for (S3Object entry : entries) {
            if (entry == null) {
                throw new IllegalStateException("S3 lists a version the simulation never made");
            }
            fresh.computeIfAbsent(entry.key(), k -> new ArrayList<>()).add(entry);
        }
        // Oldest first, the latest last.
        fresh.forEach((key, versions) -> {
            versions.sort(java.util.Comparator.comparing(S3Object::versionId));
            S3Object top = versions.stream().filter(o -> o.versionId().equals(latest.get(key))).findFirst().orElseThrow();
            versions.remove(top);
            versions.add(top);
        });
        objects.clear();
        objects.putAll(fresh);
    }

    /**
     * The id of the key's latest version (or delete marker) as S3 lists it. S3Proxy 4.1's transient store now and
     * then answers a PutObject with another version id than the one it stored; S3 would name the stored one in
     * its event.
     */
    private String latestVersion(String key) {
        var listed = world.s3.client().listObjectVersions(l -> l.bucket(bucket).prefix(key));
        return java.util.stream.Stream.concat(
                        listed.versions().stream().filter(v -> v.key().equals(key) && Boolean.TRUE.equals(v.isLatest()))
                                .map(v -> v.versionId()),
                        listed.deleteMarkers().stream().filter(m -> m.key().equals(key) && Boolean.TRUE.equals(m.isLatest()))
                                .map(m -> m.versionId()))
                .findFirst().orElseThrow(() -> new IllegalStateException("S3 lists no latest version of " + key));
    }

    private void deleteVersion(String key, String versionId) {
        world.s3.client().deleteObject(d -> d.bucket(bucket).key(key).versionId(versionId));
    }

    private void upload(int index, String key, Map<String, String> metadata, byte[] bytes) {
        var answer = retried(() -> world.s3.client().putObject(p -> p.bucket(bucket).key(key).contentType("video/mp4")
                .metadata(metadata), RequestBody.fromBytes(bytes)));
        String etag = answer.eTag().replace("\"", "");
        String versionId = history.versioned() ? latestVersion(key) : answer.versionId();
        String job = metadata.getOrDefault("job-id", keyJob(key));
        String user = metadata.getOrDefault("user-id", keyUser(key));
        var object = new S3Object(key, versionId, etag, bytes, metadata, job, user,
                Integer.parseInt(metadata.get("video-count")), false);
        var versions = objects.computeIfAbsent(key, k -> new ArrayList<>());
        if (!history.versioned()) {
            versions.clear();
        }
        versions.add(object);
        lastPut.put(key, object);
        allPuts.add(object);
        emit(index, "ObjectCreated:Put", key, versionId, etag);
    }

    /**
     * One of the simulation's own S3 calls, sent again when S3Proxy closes the connection under it ("Error writing
     * request body to server", about once in a few thousand uploads here): a second copy of an upload it did keep
     * shows in the listing, which the model follows.
     */
    private static <T> T retried(java.util.function.Supplier<T> call) {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.get();
            } catch (software.amazon.awssdk.core.exception.SdkClientException e) {
                if (attempt == 3) {
                    throw e;
                }
                try {
                    Thread.sleep(50L * attempt);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private static Map<String, String> metadata(Put put) {
        var metadata = new HashMap<String, String>();
        if (put.job() != null) {
            metadata.put("job-id", put.job());
        }
        if (put.user() != null) {
            metadata.put("user-id", put.user());
        }
        metadata.put("video-count", Integer.toString(put.count()));
        return metadata;
    }

    /** Unique bytes for each upload, saying whose they are: what invariant 3 reads back through every URL. */
    private static byte[] bytes(int index, Put put) {
        String user = put.user() != null ? put.user() : keyUser(put.key());
        return ("owner=" + (user == null ? "-" : user) + ";op=" + index + ";").getBytes(StandardCharsets.UTF_8);
    }

    static String keyJob(String key) {
        String rest = key.substring(SimulationHistory.PREFIX.length());
        String[] segments = rest.split("/");
        if (segments.length == 3) {
            return segments[1];
        }
        var legacy = java.util.regex.Pattern.compile("video_([A-Za-z0-9_-]+)\\.mp4").matcher(rest);
        return legacy.matches() ? legacy.group(1) : null;
    }

    static String keyUser(String key) {
        String[] segments = key.substring(SimulationHistory.PREFIX.length()).split("/");
        return segments.length == 3 ? segments[0] : null;
    }

    /** The key's current object, or null (none, or a delete marker). */
    S3Object current(String key) {
        var versions = objects.getOrDefault(key, List.of());
        if (versions.isEmpty() || versions.getLast().deleteMarker()) {
            return null;
        }
        return versions.getLast();
    }

    private void emit(int op, String name, String key, String versionId, String etag) {
        sequencer += 1 + random.nextInt(3);
        var event = new Event(events.size(), op, name, key, versionId, etag, String.format("%016X", sequencer));
        events.add(event);
        int copies = 1 + (random.nextInt(4) == 0 ? 1 : 0) + (random.nextInt(12) == 0 ? 1 : 0);
        for (int i = 0; i < copies; i++) {
            pending.add(new Delivery(event, 1, "req-" + event.index() + "-" + i));
        }
    }

    private byte[] notification(Event event) {
        var object = new LinkedHashMap<String, Object>();
        object.put("key", URLEncoder.encode(event.key(), StandardCharsets.UTF_8).replace("%2F", "/"));
        if (event.etag() != null) {
            object.put("eTag", event.etag());
        }
        if (event.versionId() != null) {
            object.put("versionId", event.versionId());
        }
        object.put("sequencer", event.sequencer());
        var record = Map.of("eventVersion", "2.1", "eventSource", "aws:s3", "awsRegion", LocalS3.REGION,
                "eventTime", clock.instant().toString(), "eventName", event.name(),
                "s3", Map.of("s3SchemaVersion", "1.0", "bucket", Map.of("name", bucket), "object", object));
        try {
            return TestJson.MAPPER.writeValueAsBytes(Map.of("Records", List.of(record)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What the receiver answers now, and the webhook it records. */
    WebhookReceiver.Answer answer(WebhookReceiver.Request request) {
        int status = receiverStatus;
        try {
            var headers = new HashMap<String, String>();
            for (String name : List.of("webhook-id", "webhook-timestamp", "webhook-signature")) {
                headers.put(name, request.header(name));
            }
            webhooks.add(new Webhook(request.header("webhook-id"), request.json(), request.body(), headers, status,
                    scheduler.lastResumed(), scheduler.steps()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return WebhookReceiver.Answer.status(status);
    }

    // Quiescence: every event handled at least once, nothing due.

    private void quiesce() {
        faults.off();
        receiverStatus = 200;
        for (Event event : failureQueue) {
            var actor = scheduler.spawn("redrive " + event.index(), () -> invoke(new Delivery(event, 1, "redrive-" + event.index())));
            scheduler.finish(actor);
            if (actor.failure() != null) {
                problems.add("event " + event.index() + " redriven with faults off and a healthy receiver still failed: "
                        + describe(actor.failure()));
            } else {
                handled.putIfAbsent(event.index(), scheduler.steps());
            }
        }
        for (int round = 0; round < 40; round++) {
            Instant wake = nextWake();
            if (wake == null) {
                return;
            }
            if (wake.isAfter(clock.instant())) {
                clock.advance(Duration.between(clock.instant(), wake).plusSeconds(1));
            }
            var run = scheduler.spawn("redelivery " + scheduler.steps(), this::redeliver);
            scheduler.finish(run);
            if (run.failure() != null) {
                problems.add("redelivery failed with faults off: " + describe(run.failure()));
            }
        }
    }

    /** The earliest time a delivery falls due or a lease ends, from the table itself; null when nothing waits. */
    Instant nextWake() {
        Instant earliest = null;
        for (var item : world.dynamoDb.scanPaginator(s -> s.tableName(table)).items()) {
            Instant at = null;
            if (item.containsKey("due") && item.containsKey("next_attempt_at")) {
                at = Instant.ofEpochSecond(Long.parseLong(item.get("next_attempt_at").n()));
            }
            if (item.containsKey("lease_until")) {
                Instant until = Instant.ofEpochSecond(Long.parseLong(item.get("lease_until").n()));
                if (until.isAfter(clock.instant()) && (at == null || until.isAfter(at))) {
                    at = until;
                }
            }
            if (at != null && (earliest == null || at.isBefore(earliest))) {
                earliest = at;
            }
        }
        return earliest;
    }
}
