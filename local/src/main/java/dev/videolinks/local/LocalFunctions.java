package dev.videolinks.local;

import dev.videolinks.Wiring;
import dev.videolinks.testing.LocalTemplate;
import dev.videolinks.testing.TestContext;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * The template's functions, each built once with the environment it gets on AWS (plus the local endpoints)
 * and kept warm, invoked with event JSON the way the Lambda runtime does.
 */
final class LocalFunctions {

    /** One invocation: the result JSON, or the error the runtime would report. */
    record Invocation(byte[] result, String errorType, String errorMessage) {
        boolean failed() {
            return errorType != null;
        }
    }

    private final LocalTemplate template;
    private final Map<String, String> localVariables;
    private final Map<String, Map<String, String>> overrides;
    private final AwsCredentialsProvider credentials;
    private final Consumer<String> logs;
    private final Map<String, RequestStreamHandler> handlers = new ConcurrentHashMap<>();

    /**
     * @param localVariables added to every function (AWS_REGION and the local endpoints)
     * @param overrides      SAM's env.json: per logical id, and "Parameters" for every function
     */
    LocalFunctions(LocalTemplate template, Map<String, String> localVariables, Map<String, Map<String, String>> overrides,
            AwsCredentialsProvider credentials, Consumer<String> logs) {
        this.template = template;
        this.localVariables = localVariables;
        this.overrides = overrides;
        this.credentials = credentials;
        this.logs = logs;
    }

    /** The environment a function runs with locally; like `sam local`, overrides only replace declared variables. */
    Map<String, String> environment(String logicalId) {
        var environment = new HashMap<>(template.environment(logicalId));
        for (var source : new String[] {"Parameters", logicalId}) {
            overrides.getOrDefault(source, Map.of()).forEach((name, value) -> {
                if (environment.containsKey(name)) {
                    environment.put(name, value);
                }
            });
        }
        environment.putAll(localVariables);
        return environment;
    }

    Invocation invoke(String logicalId, byte[] event, String requestId) {
        RequestStreamHandler handler;
        try {
            handler = handlers.computeIfAbsent(logicalId, this::create);
        } catch (RuntimeException e) {
            return new Invocation(null, "Runtime.InitError", e.getClass().getName() + ": " + e.getMessage());
        }
        Context context = new TestContext(requestId, 60_000);
        try {
            var out = new ByteArrayOutputStream();
            handler.handleRequest(new ByteArrayInputStream(event), out, context);
            return new Invocation(out.toByteArray(), null, null);
        } catch (Exception e) {
            return new Invocation(null, e.getClass().getName(), e.getMessage());
        }
    }

    /** The handler as Lambda's no-arg constructor builds it, with the local environment: Wiring, as tests use it. */
    private RequestStreamHandler create(String logicalId) {
        String handler = template.function(logicalId).handler();
        var wiring = Wiring.of(environment(logicalId), credentials, Clock.systemUTC(), line -> logs.accept(logicalId + " " + line));
        return switch (handler.split("::", 2)[0]) {
            case "dev.videolinks.VideoCompletionHandler" -> wiring.completionHandler();
            case "dev.videolinks.VideoUrlHandler" -> wiring.urlHandler();
            case "dev.videolinks.WebhookRedeliveryHandler" -> wiring.redeliveryHandler();
            default -> throw new IllegalStateException("cannot start " + logicalId + ": no handler " + handler);
        };
    }
}
