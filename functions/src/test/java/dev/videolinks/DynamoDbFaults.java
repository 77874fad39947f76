package dev.videolinks;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A DynamoDB client that does what a test scripts, call by call: a write applied whose answer is lost and which
 * the SDK sends again (DynamoDB's 500 after applying), an invocation stopped right after a call, or a pause while
 * another invocation runs. Calls are named by the client method ({@code updateItem}, {@code transactWriteItems}).
 */
final class DynamoDbFaults {

    /** Thrown to stop an invocation where it stands, as Lambda does at a timeout or a crash. */
    static final class Stopped extends Error {
        Stopped(String why) {
            super(why, null, false, false);
        }
    }

    private record Rule(Predicate<String> call, String what, Runnable action) {}

    private final List<Rule> rules = new ArrayList<>();
    private final List<String> calls = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** The next call of this method is applied, its answer lost, and sent again as the SDK would. */
    DynamoDbFaults ambiguous(String method) {
        rules.add(new Rule(method::equals, "ambiguous", null));
        return this;
    }

    /** The invocation stops right after the next call of this method returns. */
    DynamoDbFaults stopAfter(String method) {
        rules.add(new Rule(method::equals, "stop", null));
        return this;
    }

    /**
     * The next call of this method is cancelled by a concurrent transaction ({@code TransactionConflict}) and not
     * applied, which the SDK does not retry.
     */
    DynamoDbFaults conflict(String method) {
        rules.add(new Rule(method::equals, "conflict", null));
        return this;
    }

    /** Before the next call of this method, {@code meanwhile} runs (another invocation, say). */
    DynamoDbFaults before(String method, Runnable meanwhile) {
        rules.add(new Rule(method::equals, "before", meanwhile));
        return this;
    }

    /** The methods called, in order. */
    List<String> calls() {
        return List.copyOf(calls);
    }

    Wiring.ClientHooks hooks() {
        return new Wiring.ClientHooks(overrides -> { }, this::wrap);
    }

    private DynamoDbClient wrap(DynamoDbClient real) {
        return (DynamoDbClient) Proxy.newProxyInstance(DynamoDbClient.class.getClassLoader(), new Class<?>[] {DynamoDbClient.class},
                (proxy, method, args) -> {
                    if (method.getDeclaringClass() == Object.class || method.getName().equals("close")
                            || method.getName().startsWith("service")) {
                        return method.invoke(real, args);
                    }
                    String name = method.getName();
                    calls.add(name);
                    Rule rule = take(name);
                    if (rule != null && rule.what().equals("before")) {
                        rule.action().run();
                    }
                    if (rule != null && rule.what().equals("conflict")) {
                        throw software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException.builder()
                                .message("Transaction cancelled, please refer cancellation reasons for specific reasons"
                                        + " [TransactionConflict]")
                                .cancellationReasons(software.amazon.awssdk.services.dynamodb.model.CancellationReason.builder()
                                        .code("TransactionConflict").message("Transaction is ongoing for the item").build())
                                .build();
                    }
                    Object answer = invoke(real, method, args);
                    if (rule != null && rule.what().equals("ambiguous")) {
                        answer = invoke(real, method, args);
                    }
                    if (rule != null && rule.what().equals("stop")) {
                        throw new Stopped("stopped after " + name);
                    }
                    return answer;
                });
    }

    private synchronized Rule take(String method) {
        for (var rule : rules) {
            if (rule.call().test(method)) {
                rules.remove(rule);
                return rule;
            }
        }
        return null;
    }

    private static Object invoke(DynamoDbClient real, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(real, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
