package dev.videolinks.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A JDK HttpServer on loopback standing for the app's webhook route: it records every request and answers the
 * statuses a test queues (else 200), or what a function of the request decides (the local stack's receiver
 * verifies and prints each delivery; the cold-start benchmark times them).
 */
public final class WebhookReceiver implements AutoCloseable {

    /** One request, and when it arrived ({@link System#nanoTime}). */
    public record Request(String method, String path, Headers headers, byte[] body, long receivedNanos) {
        public String header(String name) {
            return headers.getFirst(name);
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public JsonNode json() throws IOException {
            return TestJson.MAPPER.readTree(body);
        }
    }

    /**
     * How to answer one request: a status with headers, after a delay or once a latch is released (at most 30 s),
     * or a connection dropped unanswered.
     */
    public record Answer(int status, Map<String, String> headers, Duration delay, CountDownLatch release, boolean dropConnection) {
        public static Answer status(int status) {
            return new Answer(status, Map.of(), Duration.ZERO, null, false);
        }

        public static Answer status(int status, String header, String value) {
            return new Answer(status, Map.of(header, value), Duration.ZERO, null, false);
        }

        public static Answer slow(Duration delay) {
            return new Answer(200, Map.of(), delay, null, false);
        }

        /** The status, once the test releases the latch: a receiver still busy while the test acts. */
        public static Answer held(CountDownLatch release, int status) {
            return new Answer(status, Map.of(), Duration.ZERO, release, false);
        }

        public static Answer dropped() {
            return new Answer(0, Map.of(), Duration.ZERO, null, true);
        }
    }

    public static final String PATH = "/api/webhooks/video-completion";

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final AtomicInteger mostInFlightForOneId = new AtomicInteger();
    private final Deque<Answer> answers = new ArrayDeque<>();
    private Answer always;

    private WebhookReceiver(HttpServer server) {
        this.server = server;
    }

    public static WebhookReceiver start() throws IOException {
        return start(0);
    }

    /** On a given port, e.g. one that was closed while the receiver was "down". */
    public static WebhookReceiver start(int port) throws IOException {
        return start(port, null);
    }

    /**
     * On a given port (0: a free one), each request answered as {@code answers} decides; it keeps nothing, so
     * a long-running local stack does not grow.
     */
    public static WebhookReceiver start(int port, Function<Request, Answer> answers) throws IOException {
        var server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(8));
        var receiver = new WebhookReceiver(server);
        server.createContext("/", exchange -> {
            long received = System.nanoTime();
            byte[] body = exchange.getRequestBody().readAllBytes();
            var headers = new Headers();
            headers.putAll(exchange.getRequestHeaders());
            var request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), headers, body, received);
            if (answers == null) {
                receiver.requests.add(request);
            }
            Answer answer = answers == null ? receiver.nextAnswer() : answers.apply(request);
            if (answer.dropConnection()) {
                throw new IllegalStateException("dropping the connection without an answer");
            }
            var sending = receiver.inFlight.computeIfAbsent(String.valueOf(headers.getFirst("webhook-id")),
                    id -> new AtomicInteger());
            receiver.mostInFlightForOneId.accumulateAndGet(sending.incrementAndGet(), Math::max);
            try {
                Thread.sleep(answer.delay());
                if (answer.release() != null && !answer.release().await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the test never released a held answer");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                sending.decrementAndGet();
            }
            answer.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            exchange.sendResponseHeaders(answer.status(), -1);
            exchange.close();
        });
        server.start();
        return receiver;
    }

    public URI url() {
        return url(server.getAddress().getPort());
    }

    public static URI url(int port) {
        return URI.create("http://127.0.0.1:" + port + PATH);
    }

    /** The statuses to answer, in order; once they are used up, 200. */
    public synchronized void respondWith(int... statuses) {
        for (int status : statuses) {
            answers.add(Answer.status(status));
        }
    }

    public synchronized void respondWith(Answer... next) {
        answers.addAll(List.of(next));
    }

    /** The answer to every request from now on (unless queued ones come first). */
    public synchronized void alwaysRespond(Answer answer) {
        always = answer;
    }

    private synchronized Answer nextAnswer() {
        if (!answers.isEmpty()) {
            return answers.poll();
        }
        return always != null ? always : Answer.status(200);
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** The most requests of one webhook id that were being answered at the same time. */
    public int mostInFlightForOneId() {
        return mostInFlightForOneId.get();
    }

    /** Waits (at most 30 s) until this many requests have arrived. */
    public void awaitRequests(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (requests.size() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited 30 s for " + count + " requests, got " + requests.size());
            }
            Thread.sleep(5);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
