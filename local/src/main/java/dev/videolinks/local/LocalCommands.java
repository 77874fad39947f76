package dev.videolinks.local;

import dev.videolinks.Json;
import dev.videolinks.local.LocalStack.Options;
import dev.videolinks.testing.LocalTemplate;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** {@code local/invoke} and {@code local/redrive}: one function run once, and the failed events sent again. */
final class LocalCommands {

    private LocalCommands() {}

    /**
     * Runs one function once, like {@code sam local invoke}: against the running stack's endpoints when it is
     * up, else against S3Proxy and DynamoDB Local started for this call. Result on stdout, logs on stderr.
     */
    static int invoke(Deque<String> args, PrintStream out, PrintStream err) throws Exception {
        String logicalId = args.poll();
        if (logicalId == null || logicalId.startsWith("-")) {
            throw new IllegalArgumentException("usage: invoke LOGICAL_ID -e EVENT_FILE [--env-vars FILE]");
        }
        Path eventFile = null;
        var rest = new ArrayDeque<String>();
        while (!args.isEmpty()) {
            String flag = args.poll();
            if (flag.equals("-e") || flag.equals("--event")) {
                if (args.isEmpty()) {
                    throw new IllegalArgumentException(flag + " needs an event file");
                }
                eventFile = Path.of(args.poll());
            } else {
                rest.add(flag);
            }
        }
        if (eventFile == null) {
            throw new IllegalArgumentException("invoke needs -e EVENT_FILE");
        }
        byte[] event = Files.readAllBytes(eventFile);
        var options = Options.parse(rest);
        var overrides = LocalStack.envVars(options.envVars);
        var parameters = LocalStack.parameters(overrides, options.webhookUrl != null ? options.webhookUrl : LocalStack.DEFAULT_WEBHOOK_URL);
        if (options.authMode != null) {
            parameters.put("AuthMode", options.authMode);
        }

        boolean stackRunning = LocalStack.listening(options.s3Port) && LocalStack.listening(options.dynamoDbPort);
        var stack = new LocalStack(options, err);
        try {
            stack.template = LocalTemplate.load(parameters, LocalStack.REGION);
            stack.template.function(logicalId);
            if (stackRunning) {
                stack.s3Endpoint = URI.create("http://127.0.0.1:" + options.s3Port);
                stack.dynamoDbEndpoint = URI.create("http://127.0.0.1:" + options.dynamoDbPort);
                err.println("invoke: using the running local stack at " + stack.s3Endpoint + " and " + stack.dynamoDbEndpoint);
            } else {
                stack.startDynamoDb(LocalStack.freePort(), null);
                stack.startS3(LocalStack.freePort(), null, (name, bucket, key, object) -> { });
                err.println("invoke: no local stack running; started empty S3Proxy and DynamoDB Local for this call");
            }
            var functions = LocalStack.functions(stack.template, stack.s3Endpoint, stack.dynamoDbEndpoint, overrides, err::println);
            var invocation = functions.invoke(logicalId, event, UUID.randomUUID().toString());
            if (invocation.failed()) {
                out.println(Json.writeString(Map.of("errorType", invocation.errorType(),
                        "errorMessage", String.valueOf(invocation.errorMessage()))));
                return 1;
            }
            out.println(new String(invocation.result(), StandardCharsets.UTF_8));
            return 0;
        } finally {
            stack.close();
        }
    }

    /**
     * Sends the events kept in the local failure destination back to their function against the running
     * stack, like a redrive of the SQS queue on AWS. Each one that now succeeds moves to {@code redriven/}.
     */
    static int redrive(Options options, PrintStream out) throws Exception {
        Path failures = options.workDir.resolve("failed-events");
        List<Path> records;
        try (var files = Files.list(failures)) {
            records = files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        } catch (java.nio.file.NoSuchFileException none) {
            records = List.of();
        }
        if (!LocalStack.listening(options.s3Port) || !LocalStack.listening(options.dynamoDbPort)) {
            throw new IllegalArgumentException("no local stack running on ports " + options.s3Port + " and "
                    + options.dynamoDbPort + "; start it first (local/start)");
        }
        var overrides = LocalStack.envVars(options.envVars);
        var template = LocalTemplate.load(LocalStack.parameters(overrides, options.webhookUrl != null ? options.webhookUrl
                : LocalStack.DEFAULT_WEBHOOK_URL), LocalStack.REGION);
        var functions = LocalStack.functions(template, URI.create("http://127.0.0.1:" + options.s3Port),
                URI.create("http://127.0.0.1:" + options.dynamoDbPort), overrides, out::println);
        int failed = 0;
        for (Path record : records) {
            var failure = (Map<?, ?>) Json.parse(Files.readAllBytes(record));
            String arn = String.valueOf(((Map<?, ?>) failure.get("requestContext")).get("functionArn"));
            String function = arn.substring(arn.lastIndexOf(':') + 1);
            var invocation = functions.invoke(function, Files.readAllBytes(record), UUID.randomUUID().toString());
            if (invocation.failed()) {
                failed++;
                out.println("redrive " + record.getFileName() + ": still failing: " + invocation.errorMessage());
            } else {
                Files.createDirectories(failures.resolve("redriven"));
                Files.move(record, failures.resolve("redriven").resolve(record.getFileName()));
                out.println("redrive " + record.getFileName() + ": done");
            }
        }
        out.println("redriven " + (records.size() - failed) + " of " + records.size() + " failed events");
        return failed == 0 ? 0 : 1;
    }
}
