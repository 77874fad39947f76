package dev.videolinks;

import dev.videolinks.testing.TestJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * SSM Parameter Store's GetParameter on a free loopback port, for the SDK's own SSM client: there is no local SSM
 * to run (S3Proxy and DynamoDB Local have no counterpart), so this speaks the one call of the AWS JSON 1.1
 * protocol that CloudFront mode makes, and records every request it gets.
 */
final class LocalSsm implements AutoCloseable {

    record Request(String target, JsonNode body) {}

    private record Stored(String type, String value) {}

    private final HttpServer server;
    private final Map<String, Stored> parameters = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    private LocalSsm(HttpServer server) {
        this.server = server;
    }

    static LocalSsm start() throws IOException {
        var server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        var ssm = new LocalSsm(server);
        server.createContext("/", exchange -> {
            try (exchange) {
                JsonNode body = TestJson.MAPPER.readTree(exchange.getRequestBody().readAllBytes());
                String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
                ssm.requests.add(new Request(target, body));
                byte[] answer;
                int status;
                Stored stored = ssm.parameters.get(body.path("Name").asText());
                if (!"AmazonSSM.GetParameter".equals(target)) {
                    status = 400;
                    answer = error("InvalidAction", "only GetParameter is served here");
                } else if (stored == null) {
                    status = 400;
                    answer = error("ParameterNotFound", "");
                } else {
                    status = 200;
                    answer = TestJson.MAPPER.writeValueAsBytes(Map.of("Parameter", Map.of(
                            "Name", body.path("Name").asText(), "Type", stored.type(), "Value", stored.value(),
                            "Version", 1, "DataType", "text")));
                }
                exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
                exchange.sendResponseHeaders(status, answer.length);
                exchange.getResponseBody().write(answer);
            }
        });
        server.start();
        return ssm;
    }

    private static byte[] error(String type, String message) {
        return ("{\"__type\":\"" + type + "\",\"message\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    LocalSsm putSecureString(String name, String value) {
        parameters.put(name, new Stored("SecureString", value));
        return this;
    }

    LocalSsm putString(String name, String value) {
        parameters.put(name, new Stored("String", value));
        return this;
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
