package dev.videolinks.local;

import dev.videolinks.Json;
import dev.videolinks.testing.LocalTemplate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Lambda's asynchronous invocation, locally: the event is queued, a failed invocation is retried after each
 * of the retry delays (two on Lambda), and an event that still fails is written to the failure destination
 * directory as the record Lambda sends to an on-failure destination.
 */
final class AsyncInvoker implements AutoCloseable {

    private final LocalFunctions functions;
    private final List<Duration> retryDelays;
    private final Path failures;
    private final Consumer<String> console;
    private final ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(2, runnable -> {
        var thread = new Thread(runnable, "async-invoke");
        thread.setDaemon(true);
        return thread;
    });

    AsyncInvoker(LocalFunctions functions, List<Duration> retryDelays, Path failures, Consumer<String> console) {
        this.functions = functions;
        this.retryDelays = List.copyOf(retryDelays);
        this.failures = failures;
        this.console = console;
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    void submit(String logicalId, byte[] event) {
        String requestId = UUID.randomUUID().toString();
        executor.execute(() -> attempt(logicalId, event, requestId, 1));
    }

    private void attempt(String logicalId, byte[] event, String requestId, int attempt) {
        var invocation = functions.invoke(logicalId, event, requestId);
        if (!invocation.failed()) {
            return;
        }
        console.accept(logicalId + " invocation " + requestId + " failed (attempt " + attempt + "): "
                + invocation.errorType() + ": " + invocation.errorMessage());
        if (attempt <= retryDelays.size()) {
            Duration delay = retryDelays.get(attempt - 1);
            console.accept(logicalId + " retries " + requestId + " in " + delay.toSeconds() + " s");
            executor.schedule(() -> attempt(logicalId, event, requestId, attempt + 1), delay.toMillis(), TimeUnit.MILLISECONDS);
            return;
        }
        Path record = writeFailure(logicalId, event, requestId, attempt, invocation);
        console.accept(logicalId + " gave up on " + requestId + " after " + attempt + " attempts: event kept in " + record);
    }

    private Path writeFailure(String logicalId, byte[] event, String requestId, int attempts, LocalFunctions.Invocation invocation) {
        var destination = new LinkedHashMap<String, Object>();
        destination.put("version", "1.0");
        destination.put("timestamp", Instant.now().toString());
        destination.put("requestContext", Map.of("requestId", requestId,
                "functionArn", "arn:aws:lambda:local:" + LocalTemplate.ACCOUNT_ID + ":function:" + logicalId,
                "condition", "RetriesExhausted", "approximateInvokeCount", attempts));
        try {
            destination.put("requestPayload", Json.parse(event));
            destination.put("responseContext", Map.of("statusCode", 200, "executedVersion", "$LATEST", "functionError", "Unhandled"));
            destination.put("responsePayload", Map.of("errorType", invocation.errorType(),
                    "errorMessage", String.valueOf(invocation.errorMessage())));
            Files.createDirectories(failures);
            Path file = failures.resolve(Instant.now().toString().replace(':', '-') + "-" + requestId + ".json");
            Files.write(file, Json.write(destination));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep a failed event in " + failures, e);
        }
    }

    /** Waits for queued and running invocations (retries not yet due are dropped). */
    @Override
    public void close() throws InterruptedException {
        executor.shutdown();
        executor.awaitTermination(30, TimeUnit.SECONDS);
    }
}
