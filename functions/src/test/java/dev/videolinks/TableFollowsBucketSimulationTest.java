package dev.videolinks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import dev.videolinks.testing.LocalS3;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The table follows the bucket whatever S3, Lambda and DynamoDB do: histories drawn at random from seeds, each run
 * to quiescence and checked ({@link Simulation}, {@link SimulationChecks}).
 *
 * <p>{@code -Dsimulation.histories=N} runs N histories (2,000 by default, from seed 1 or
 * {@code -Dsimulation.firstSeed}); {@code -Dsimulation.seed=S} replays one. A failure prints the seed, the
 * shortest history found that still fails, and what it broke; every failing history is listed in
 * {@code functions/target/simulation-failures.txt}. {@code -Dsimulation.trace=true} writes each run's steps and
 * calls to {@code functions/target/simulation-traces/}: two runs of one seed write the same trace.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class TableFollowsBucketSimulationTest {

    static final int HISTORIES = 2_000;
    private static final int WORKERS = Integer.getInteger("simulation.workers", 2);
    /** Failing histories shrunk and printed in full; the others are counted. */
    private static final int SHRUNK = 3;

    @Test
    @org.junit.jupiter.api.Order(1)
    void randomHistories_anyOrderRepeatsAndFaults_tableFollowsTheBucket() throws Exception {
        String replay = System.getProperty("simulation.seed");
        long first = Long.getLong("simulation.firstSeed", 1);
        int count = replay != null ? 1 : Integer.getInteger("simulation.histories", HISTORIES);
        long firstSeed = replay != null ? Long.parseLong(replay) : first;

        var failures = new ConcurrentSkipListMap<Long, List<String>>();
        var byInvariant = new TreeMap<String, AtomicInteger>();
        SimulationChecks.INVARIANTS.forEach(name -> byInvariant.put(name.substring(0, 1), new AtomicInteger()));
        byInvariant.put("run", new AtomicInteger());
        var versioned = new AtomicInteger();
        var next = new AtomicLong(firstSeed);
        var workerNames = new AtomicInteger();
        long end = firstSeed + count;
        long started = System.nanoTime();
        if (Boolean.getBoolean("simulation.trace")) {
            Simulation.traces = target().resolve("simulation-traces");
        }

        {
            ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
            var workers = new ArrayList<Future<?>>();
            for (int w = 0; w < WORKERS; w++) {
                workers.add(pool.submit(() -> {
                    var dynamoDb = DynamoDBEmbedded.create();
                    // Each worker its own S3Proxy: its transient store numbers versions with one counter for all buckets.
                    try (var s3 = LocalS3.start(new LocalS3.Options(0, null, store -> store, LocalS3.CREDENTIALS,
                            LocalS3.REGION)); var servers = new Simulation.World("sim-" + workerNames.incrementAndGet(),
                            s3, dynamoDb.dynamoDbClient())) {
                        for (long seed = next.getAndIncrement(); seed < end; seed = next.getAndIncrement()) {
                            var history = SimulationHistory.generate(seed);
                            if (history.versioned()) {
                                versioned.incrementAndGet();
                            }
                            List<String> problems = Simulation.run(history, servers);
                            if (!problems.isEmpty()) {
                                problems.stream().map(SimulationTally::invariant).distinct()
                                        .forEach(i -> byInvariant.get(i).incrementAndGet());
                                if (failures.size() < SHRUNK) {
                                    var shortest = shrink(history, servers);
                                    problems = new ArrayList<>(problems);
                                    problems.addFirst("shortest history found that fails: " + shortest.history());
                                    problems.add(1, "  which breaks: " + String.join("\n    ", shortest.problems()));
                                }
                                failures.put(seed, problems);
                            }
                        }
                    } finally {
                        dynamoDb.shutdown();
                    }
                    return null;
                }));
            }
            for (var worker : workers) {
                worker.get();
            }
            pool.shutdown();
        }
        long seconds = (System.nanoTime() - started) / 1_000_000_000L;
        System.out.printf("simulation: %d histories (seeds %d..%d, %d in versioned buckets) in %d s: %d failed; histories"
                        + " breaking each invariant: %s%n", count, firstSeed, end - 1, versioned.get(), seconds,
                failures.size(), byInvariant);
        writeReport(failures);
        if (!failures.isEmpty()) {
            var report = new StringBuilder(failures.size() + " of " + count + " histories broke the table's invariants"
                    + " (per invariant: " + byInvariant + "); replay one with -Dsimulation.seed=S\n");
            failures.entrySet().stream().limit(SHRUNK).forEach(failure -> report.append("\nseed ").append(failure.getKey())
                    .append(":\n  ").append(String.join("\n  ", failure.getValue())).append('\n'));
            report.append("\nfailing seeds: ").append(failures.keySet().stream().limit(50).toList());
            fail(report.toString());
        }
    }

    /**
     * Each function's IAM policy grants every DynamoDB operation it called in the histories, and the completion and
     * redelivery functions no more: least privilege, from what the code does rather than from a list kept by hand.
     */
    @Test
    @org.junit.jupiter.api.Order(2)
    void dynamoDbOperationsOfTheHistories_grantedByEachFunctionsPolicyAndNothingMore() throws Exception {
        if (SimulationFaults.OPERATIONS.isEmpty()) {
            randomHistories_anyOrderRepeatsAndFaults_tableFollowsTheBucket();
        }
        var template = new CloudFrontTemplateTest();
        var deployed = template.deployed(Map.of());
        var iam = Map.of("getItem", "dynamodb:GetItem", "batchGetItem", "dynamodb:BatchGetItem",
                "updateItem", "dynamodb:UpdateItem", "transactWriteItems", "dynamodb:UpdateItem",
                "query", "dynamodb:Query", "queryPaginator", "dynamodb:Query");
        SimulationFaults.OPERATIONS.forEach((function, operations) -> {
            var needed = new java.util.TreeSet<String>();
            operations.forEach(operation -> needed.add(java.util.Objects.requireNonNull(iam.get(operation), operation)));
            var granted = new java.util.TreeSet<>(CloudFrontTemplateTest.actions(template.statements(deployed, function),
                    "dynamodb"));
            assertTrue(granted.containsAll(needed), function + " needs " + needed + ", is granted " + granted);
            if (!function.equals("VideoUrlFunction")) {
                assertEquals(needed, granted, function + ": grants what it never calls");
            }
        });
    }

    /** Every failing history and what it broke, in target/simulation-failures.txt. */
    private static void writeReport(Map<Long, List<String>> failures) throws java.io.IOException {
        var lines = new ArrayList<String>();
        failures.forEach((seed, problems) -> {
            lines.add("seed " + seed + ": " + SimulationHistory.generate(seed));
            problems.forEach(problem -> lines.add("  " + problem));
        });
        java.nio.file.Files.write(target().resolve("simulation-failures.txt"), lines);
    }

    /** The module's target directory, wherever Maven runs the tests from. */
    private static java.nio.file.Path target() {
        try {
            return java.nio.file.Path.of(TableFollowsBucketSimulationTest.class.getProtectionDomain().getCodeSource()
                    .getLocation().toURI()).getParent();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The shortest history found by dropping operations one at a time while it still fails. */
    private static SimulationTally shrink(SimulationHistory history, Simulation.World servers) {
        var shortest = new SimulationTally(history, Simulation.run(history, servers));
        boolean shorter = true;
        int runs = 0;
        while (shorter && runs < 80) {
            shorter = false;
            for (int i = shortest.history().ops().size() - 1; i >= 0 && runs < 80; i--) {
                var fewer = new ArrayList<>(shortest.history().ops());
                fewer.remove(i);
                var candidate = shortest.history().withOps(fewer);
                runs++;
                List<String> problems = Simulation.run(candidate, servers);
                if (!problems.isEmpty()) {
                    shortest = new SimulationTally(candidate, problems);
                    shorter = true;
                }
            }
        }
        return shortest;
    }

    /** A history and what it broke. */
    record SimulationTally(SimulationHistory history, List<String> problems) {
        static String invariant(String problem) {
            char first = problem.charAt(0);
            return first >= '1' && first <= '6' ? String.valueOf(first) : "run";
        }
    }
}
