package dev.videolinks;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The Java side of bench/cold: one cold process that runs the deployable's real {@link VideoCompletionHandler}
 * (its no-argument constructor, so configuration and credentials come from the environment as on Lambda) on
 * one event file, then exits. Its classpath is the Lambda package (target/classes + target/lambda/lib) plus
 * this class alone, which {@code ColdStartBenchmark} copies out of the test classes.
 *
 * <p>{@code --warm DIR [W]} (bench/warm): one {@code new VideoCompletionHandler()}, then {@code handleRequest}
 * on every event file in DIR, sorted by name, each timed with {@code System.nanoTime()} around the call (the
 * file is read before the clock starts; the handler parses it). The first W (default 50) are warm-up; the last
 * line on stdout is one JSON object with the measured events' figures, as the Python and Node peers print, with
 * the process's CPU time (user + sys, {@code getProcessCpuTime()}) and the wall time across them.
 */
public final class ColdMain {

    private ColdMain() {}

    public static void main(String[] args) throws Exception {
        if (args[0].equals("--warm")) {
            warm(Path.of(args[1]), args.length > 2 ? Integer.parseInt(args[2]) : 50);
            return;
        }
        try (InputStream event = Files.newInputStream(Path.of(args[0]))) {
            new VideoCompletionHandler().handleRequest(event, System.out, new ColdContext("cold-" + ProcessHandle.current().pid()));
        }
        System.out.println();
        System.out.flush();
    }

    private static void warm(Path directory, int warmup) throws Exception {
        var handler = new VideoCompletionHandler();
        List<Path> files;
        try (Stream<Path> listed = Files.list(directory)) {
            files = listed.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList();
        }
        if (files.size() <= warmup) {
            throw new IllegalArgumentException(directory + " has " + files.size() + " event files: not more than the "
                    + warmup + " warm-up events");
        }
        var cpu = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpuStarted = 0;
        long spanStarted = 0;
        var samples = new ArrayList<Double>();
        for (int i = 0; i < files.size(); i++) {
            if (i == warmup) {
                // The process's CPU time (user + sys, all threads: JIT and GC too) and the wall clock across the measured events.
                cpuStarted = cpu.getProcessCpuTime();
                spanStarted = System.nanoTime();
            }
            byte[] event = Files.readAllBytes(files.get(i));
            var context = new ColdContext("warm-" + ProcessHandle.current().pid() + "-" + i);
            long started = System.nanoTime();
            handler.handleRequest(new ByteArrayInputStream(event), System.out, context);
            long elapsed = System.nanoTime() - started;
            System.out.println();
            if (i >= warmup) {
                samples.add(elapsed / 1e6);
            }
        }
        double cpuMs = (cpu.getProcessCpuTime() - cpuStarted) / 1e6;
        double spanMs = (System.nanoTime() - spanStarted) / 1e6;
        double[] ordered = samples.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = ordered.length;
        double median = n % 2 == 1 ? ordered[n / 2] : (ordered[n / 2 - 1] + ordered[n / 2]) / 2;
        System.out.printf(Locale.ROOT, "{\"runtime\":\"java\",\"warmup\":%d,\"n\":%d,\"median_ms\":%s,\"p90_ms\":%s,"
                        + "\"p99_ms\":%s,\"min_ms\":%s,\"max_ms\":%s,\"cpu_ms\":%s,\"span_ms\":%s,\"samples_ms\":[%s]}%n",
                warmup, n, median, percentile(ordered, 90), percentile(ordered, 99), ordered[0], ordered[n - 1], cpuMs, spanMs,
                samples.stream().map(String::valueOf).collect(Collectors.joining(",")));
        System.out.flush();
    }

    /** Nearest rank: the smallest value with at least p % of the values at or below it (as the Python and Node peers). */
    private static double percentile(double[] ordered, int p) {
        return ordered[Math.max(0, (int) Math.ceil(p / 100.0 * ordered.length) - 1)];
    }

    /** The least a Lambda context has to say: a request id and the time left. */
    private record ColdContext(String requestId) implements Context {
        @Override public String getAwsRequestId() { return requestId; }
        @Override public String getLogGroupName() { return "/aws/lambda/video-links-cold"; }
        @Override public String getLogStreamName() { return "cold"; }
        @Override public String getFunctionName() { return "video-links-cold"; }
        @Override public String getFunctionVersion() { return "$LATEST"; }
        @Override public String getInvokedFunctionArn() { return "arn:aws:lambda:us-east-1:123456789012:function:video-links-cold"; }
        @Override public CognitoIdentity getIdentity() { return null; }
        @Override public ClientContext getClientContext() { return null; }
        @Override public int getRemainingTimeInMillis() { return 60_000; }
        @Override public int getMemoryLimitInMB() { return 1024; }

        @Override
        public LambdaLogger getLogger() {
            return new LambdaLogger() {
                @Override public void log(String message) { System.err.println(message); }
                @Override public void log(byte[] message) { System.err.println(new String(message, StandardCharsets.UTF_8)); }
            };
        }
    }
}
