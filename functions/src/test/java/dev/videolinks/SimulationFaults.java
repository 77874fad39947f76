package dev.videolinks;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.random.RandomGenerator;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

/**
 * What can go wrong between the functions and DynamoDB, decided by the history's seed: a write applied whose
 * answer is lost (DynamoDB's 500 after applying it), which the SDK then sends again, exactly as it was; once in a
 * while the SDK giving up after that; and the invocation stopping right after any call. Every call, to DynamoDB
 * and to S3, is also a point where the {@link SimulationScheduler} may let another invocation run.
 */
final class SimulationFaults {

    static final Set<String> WRITES = Set.of("putItem", "updateItem", "deleteItem", "transactWriteItems",
            "batchWriteItem");

    /** Chances, per call, of each fault. */
    record Rates(double ambiguousWrite, double givesUp, double stopAfterCall) {
        static final Rates NONE = new Rates(0, 0, 0);
    }

    private final SimulationScheduler scheduler;
    private final RandomGenerator random;
    private volatile Rates rates;
    /** Where each call is noted, for comparing two runs of one seed; null: nowhere (and nothing is written out). */
    volatile java.util.function.Consumer<String> calls;
    private int ambiguous;
    private int stopped;

    SimulationFaults(SimulationScheduler scheduler, RandomGenerator random, Rates rates) {
        this.scheduler = scheduler;
        this.random = random;
        this.rates = rates;
    }

    void off() {
        rates = Rates.NONE;
    }

    int ambiguousWrites() {
        return ambiguous;
    }

    int stops() {
        return stopped;
    }

    /**
     * The DynamoDB client the functions get: the real one (DynamoDB Local) behind the gates and faults of the
     * history running now. One per worker, built once: its SDK clients serve every history the worker runs.
     */
    static DynamoDbClient dynamoDb(DynamoDbClient real, Supplier<SimulationFaults> current) {
        return (DynamoDbClient) Proxy.newProxyInstance(DynamoDbClient.class.getClassLoader(),
                new Class<?>[] {DynamoDbClient.class}, (proxy, method, args) -> current.get().call(real, method, args));
    }

    /** Gates every S3 call of the functions, in the history running now. */
    static ExecutionInterceptor s3Gate(Supplier<SimulationFaults> current) {
        return new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                var faults = current.get();
                faults.scheduler.gate();
                faults.note(() -> "s3 " + context.request().getClass().getSimpleName());
            }
        };
    }

    /** The DynamoDB operations each function called, over every history of this JVM: what its IAM policy must grant. */
    static final java.util.Map<String, java.util.Set<String>> OPERATIONS = new java.util.concurrent.ConcurrentHashMap<>();

    private Object call(DynamoDbClient real, Method method, Object[] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class || method.getName().equals("close")
                || method.getName().equals("serviceName") || method.getName().equals("serviceClientConfiguration")) {
            return method.invoke(real, args);
        }
        scheduler.gate();
        var actor = SimulationScheduler.current();
        String function = actor == null ? "VideoUrlFunction"
                : actor.name.startsWith("redelivery") ? "WebhookRedeliveryFunction" : "VideoCompletionFunction";
        OPERATIONS.computeIfAbsent(function, f -> java.util.concurrent.ConcurrentHashMap.newKeySet()).add(method.getName());
        note(() -> "dynamodb " + method.getName() + " " + (args == null ? "" : normal(java.util.Arrays.toString(args))));
        boolean inInvocation = SimulationScheduler.current() != null;
        Rates now = rates;
        Object result;
        if (inInvocation && WRITES.contains(method.getName()) && random.nextDouble() < now.ambiguousWrite()) {
            invoke(real, method, args);
            note(() -> "  ambiguous");
            ambiguous++;
            if (random.nextDouble() < now.givesUp()) {
                throw DynamoDbException.builder().statusCode(500)
                        .awsErrorDetails(AwsErrorDetails.builder().errorCode("InternalServerError")
                                .errorMessage("Internal server error (simulated: the write was applied)").build())
                        .message("Internal server error (simulated: the write was applied; the SDK gave up)").build();
            }
            // The SDK's retry: the same request again.
            result = invoke(real, method, args);
        } else {
            try {
                result = invoke(real, method, args);
            } catch (Throwable t) {
                note(() -> "  !! " + normal(String.valueOf(t)));
                throw t;
            }
        }
        Object answer = result;
        note(() -> "  -> " + (answer == null ? "null" : normal(String.valueOf(answer))));
        if (inInvocation && random.nextDouble() < now.stopAfterCall()) {
            stopped++;
            throw new SimulationScheduler.InvocationStopped("stopped after " + method.getName());
        }
        return result;
    }

    private void note(Supplier<String> line) {
        var to = calls;
        if (to != null) {
            to.accept(line.get());
        }
    }

    static String normal(String text) {
        return text.replaceAll("\\$\\$Lambda/0x[0-9a-f]+", "").replaceAll("sim-\\d+", "sim").replaceAll("@[0-9a-f]+", "").replaceAll("v[0-9]{16}", "v")
                .replaceAll("msg_[0-9a-f]+", "msg").replaceAll("Request ID: [0-9a-f-]+", "");
    }

    /**
     * DynamoDB Local's embedded instances share state in one JVM: two simulations calling at once were seen to get
     * answers that depend on the other's timing. One call at a time keeps each history's run the same at every
     * replay.
     */
    private static final Object EMBEDDED = new Object();

    private static Object invoke(DynamoDbClient real, Method method, Object[] args) throws Throwable {
        try {
            synchronized (EMBEDDED) {
                return method.invoke(real, args);
            }
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
