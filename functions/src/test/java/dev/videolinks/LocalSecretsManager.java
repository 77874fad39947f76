package dev.videolinks;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Secrets Manager's GetSecretValue on a free loopback port, for the SDK's own Secrets Manager client: there is no
 * local Secrets Manager to run (S3Proxy and DynamoDB Local have no counterpart), so this speaks the one call of the
 * AWS JSON 1.1 protocol that CloudFront mode makes, and records every request it gets.
 */
final class LocalSecretsManager implements AutoCloseable {

    record Request(String target, Map<?, ?> body) {}

    /** A secret's text ({@code SecretString}) or, when that is null, its bytes ({@code SecretBinary}). */
    private record Stored(String text, byte[] bytes) {}

    private final HttpServer server;
    private final Map<String, Stored> secrets = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    private LocalSecretsManager(HttpServer server) {
        this.server = server;
    }

    static LocalSecretsManager start() throws IOException {
        var server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        var local = new LocalSecretsManager(server);
        server.createContext("/", exchange -> {
            try (exchange) {
                var body = (Map<?, ?>) Json.parse(exchange.getRequestBody().readAllBytes());
                String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
                local.requests.add(new Request(target, body));
                byte[] answer;
                int status;
                Object secretId = body.get("SecretId");
                Stored stored = secretId == null ? null : local.secrets.get(secretId.toString());
                if (!"secretsmanager.GetSecretValue".equals(target)) {
                    status = 400;
                    answer = error("InvalidRequestException", "only GetSecretValue is served here");
                } else if (stored == null) {
                    status = 400;
                    answer = error("ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
                } else {
                    status = 200;
                    var value = new LinkedHashMap<String, Object>();
                    value.put("ARN", "arn:aws:secretsmanager:us-east-1:000000000000:secret:" + secretId + "-AbCdEf");
                    value.put("Name", secretId);
                    value.put("VersionId", "00000000-0000-0000-0000-000000000001");
                    if (stored.text() != null) {
                        value.put("SecretString", stored.text());
                    } else {
                        value.put("SecretBinary", Base64.getEncoder().encodeToString(stored.bytes()));
                    }
                    value.put("VersionStages", List.of("AWSCURRENT"));
                    value.put("CreatedDate", 1.7e9);
                    answer = Json.write(value);
                }
                exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
                exchange.sendResponseHeaders(status, answer.length);
                exchange.getResponseBody().write(answer);
            }
        });
        server.start();
        return local;
    }

    private static byte[] error(String type, String message) {
        return Json.write(Map.of("__type", type, "message", message));
    }

    LocalSecretsManager putSecretString(String name, String value) {
        secrets.put(name, new Stored(value, null));
        return this;
    }

    LocalSecretsManager putSecretBinary(String name, String value) {
        secrets.put(name, new Stored(null, value.getBytes(StandardCharsets.UTF_8)));
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
