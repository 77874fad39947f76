package dev.videolinks.local;

import dev.videolinks.Json;
import dev.videolinks.testing.LocalTemplate;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

/**
 * The HTTP API on loopback: each request becomes a payload-format-2.0 event for the route's function (routes
 * from template.yaml), its answer becomes the HTTP response.
 *
 * <p>Local identity, which exists only here: in JWT mode the caller says who it is with the header
 * {@code X-Local-User: <user id>}, or sends {@code Authorization: Bearer <jwt>} whose claims are taken
 * <em>without verification</em>. Either becomes the JWT authorizer's claims in the event, as API Gateway would
 * put them after verifying the token. The deployed API has a real JWT authorizer and no such header.
 */
public final class LocalApi implements AutoCloseable {

    public static final String LOCAL_USER_HEADER = "X-Local-User";
    private static final DateTimeFormatter REQUEST_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final HttpServer server;
    private final List<LocalTemplate.Route> routes;
    private final LocalFunctions functions;
    private final String ownerClaim;
    private final boolean iamMode;
    private final LocalTemplate.Cors cors;

    /** @param cors the template's CORS settings, or null for none (then browsers on other origins are refused) */
    LocalApi(int port, List<LocalTemplate.Route> routes, LocalFunctions functions, String ownerClaim, boolean iamMode,
            LocalTemplate.Cors cors) throws IOException {
        this.routes = routes;
        this.functions = functions;
        this.ownerClaim = ownerClaim;
        this.iamMode = iamMode;
        this.cors = cors;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", this::handle);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (corsAnswered(exchange)) {
                return;
            }
            String path = exchange.getRequestURI().getRawPath();
            for (var route : routes) {
                Map<String, String> parameters = match(route, exchange.getRequestMethod(), path);
                if (parameters != null) {
                    answer(exchange, route, parameters);
                    return;
                }
            }
            send(exchange, 404, Map.of("Content-Type", "application/json"), "{\"message\":\"Not Found\"}".getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * CORS as API Gateway applies an HTTP API's settings: it answers every preflight itself (204, with the
     * allow headers only for an allowed origin) and adds the origin to the routes' answers. Locally the
     * X-Local-User header is allowed too. True when the preflight has been answered.
     */
    private boolean corsAnswered(HttpExchange exchange) throws IOException {
        String origin = exchange.getRequestHeaders().getFirst("Origin");
        boolean allowed = cors != null && cors.allows(origin);
        var headers = exchange.getResponseHeaders();
        if (allowed) {
            headers.add("Access-Control-Allow-Origin", origin);
            headers.add("Vary", "Origin");
        }
        boolean preflight = "OPTIONS".equals(exchange.getRequestMethod()) && origin != null
                && exchange.getRequestHeaders().containsKey("Access-Control-Request-Method");
        if (!preflight || cors == null) {
            return false;
        }
        if (allowed) {
            headers.add("Access-Control-Allow-Methods", String.join(",", cors.methods()));
            var allowHeaders = new java.util.ArrayList<>(cors.headers());
            allowHeaders.add(LOCAL_USER_HEADER.toLowerCase(Locale.ROOT));
            headers.add("Access-Control-Allow-Headers", String.join(",", allowHeaders));
            if (cors.maxAgeSeconds() > 0) {
                headers.add("Access-Control-Max-Age", Integer.toString(cors.maxAgeSeconds()));
            }
        }
        exchange.sendResponseHeaders(204, -1);
        return true;
    }

    private void answer(HttpExchange exchange, LocalTemplate.Route route, Map<String, String> pathParameters) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        String requestId = UUID.randomUUID().toString();
        var invocation = functions.invoke(route.functionId(), Json.write(event(exchange, route, pathParameters, body, requestId)), requestId);
        if (invocation.failed()) {
            send(exchange, 500, Map.of("Content-Type", "application/json"), "{\"message\":\"Internal Server Error\"}".getBytes(StandardCharsets.UTF_8));
            return;
        }
        var response = (Map<?, ?>) Json.parse(invocation.result());
        var headers = new LinkedHashMap<String, String>();
        if (response.get("headers") instanceof Map<?, ?> answered) {
            answered.forEach((name, value) -> headers.put((String) name, String.valueOf(value)));
        }
        String text = response.get("body") instanceof String answered ? answered : "";
        byte[] bytes = Boolean.TRUE.equals(response.get("isBase64Encoded")) ? Base64.getDecoder().decode(text) : text.getBytes(StandardCharsets.UTF_8);
        send(exchange, response.get("statusCode") instanceof Number status ? status.intValue() : 200, headers, bytes);
    }

    private Map<String, Object> event(HttpExchange exchange, LocalTemplate.Route route, Map<String, String> pathParameters,
            byte[] body, String requestId) {
        var headers = new LinkedHashMap<String, String>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
        String rawQuery = exchange.getRequestURI().getRawQuery();
        var query = new LinkedHashMap<String, String>();
        if (rawQuery != null && !rawQuery.isEmpty()) {
            for (String pair : rawQuery.split("&")) {
                String[] parts = pair.split("=", 2);
                String name = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
                String value = parts.length > 1 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : "";
                query.merge(name, value, (a, b) -> a + "," + b);
            }
        }
        Instant now = Instant.now();
        var context = new LinkedHashMap<String, Object>();
        context.put("accountId", LocalTemplate.ACCOUNT_ID);
        context.put("apiId", "local");
        context.put("domainName", "127.0.0.1");
        context.put("domainPrefix", "local");
        context.put("http", Map.of("method", exchange.getRequestMethod(), "path", exchange.getRequestURI().getRawPath(),
                "protocol", exchange.getProtocol(), "sourceIp", exchange.getRemoteAddress().getAddress().getHostAddress(),
                "userAgent", headers.getOrDefault("user-agent", "")));
        context.put("requestId", requestId);
        context.put("routeKey", route.routeKey());
        context.put("stage", "$default");
        context.put("time", REQUEST_TIME.format(now));
        context.put("timeEpoch", now.toEpochMilli());
        Map<String, Object> authorizer = authorizer(headers);
        if (authorizer != null) {
            context.put("authorizer", authorizer);
        }
        var event = new LinkedHashMap<String, Object>();
        event.put("version", "2.0");
        event.put("routeKey", route.routeKey());
        event.put("rawPath", exchange.getRequestURI().getRawPath());
        event.put("rawQueryString", rawQuery == null ? "" : rawQuery);
        event.put("headers", headers);
        if (!query.isEmpty()) {
            event.put("queryStringParameters", query);
        }
        if (!pathParameters.isEmpty()) {
            event.put("pathParameters", pathParameters);
        }
        event.put("requestContext", context);
        if (body.length > 0) {
            boolean text = headers.getOrDefault("content-type", "").matches("(?i)(application/json|text/.*|application/x-www-form-urlencoded).*");
            event.put("body", text ? new String(body, StandardCharsets.UTF_8) : Base64.getEncoder().encodeToString(body));
            event.put("isBase64Encoded", !text);
        } else {
            event.put("isBase64Encoded", false);
        }
        return event;
    }

    /** What API Gateway's authorizer would add: IAM caller, or the JWT claims of the local identity. */
    private Map<String, Object> authorizer(Map<String, String> headers) {
        if (iamMode) {
            return Map.of("iam", Map.of("accessKey", "AKIDLOCAL", "accountId", LocalTemplate.ACCOUNT_ID,
                    "callerId", "local", "userArn", "arn:aws:iam::local:user/local", "userId", "local"));
        }
        var claims = new LinkedHashMap<String, String>();
        String authorization = headers.get("authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String[] parts = authorization.substring(7).strip().split("\\.");
            if (parts.length >= 2) {
                try {
                    if (Json.parse(Base64.getUrlDecoder().decode(parts[1])) instanceof Map<?, ?> payload) {
                        payload.forEach((name, value) -> claims.put((String) name, value instanceof String text
                                ? text : Json.writeString(value)));
                    }
                } catch (IOException | IllegalArgumentException notAJwt) {
                    claims.clear();
                }
            }
        }
        String localUser = headers.get(LOCAL_USER_HEADER.toLowerCase(Locale.ROOT));
        if (localUser != null && !localUser.isBlank()) {
            claims.put(ownerClaim, localUser.strip());
        }
        return claims.isEmpty() ? null : Map.of("jwt", Map.of("claims", claims, "scopes", List.of()));
    }

    /** Path parameters when the route matches ({@code {name}} is one segment), else null. */
    static Map<String, String> match(LocalTemplate.Route route, String method, String rawPath) {
        if (!route.method().equalsIgnoreCase(method)) {
            return null;
        }
        var names = new java.util.ArrayList<String>();
        var regex = new StringBuilder();
        for (String part : route.path().split("(?=\\{)|(?<=})")) {
            if (part.startsWith("{") && part.endsWith("}")) {
                names.add(part.substring(1, part.length() - 1));
                regex.append("([^/]+)");
            } else {
                regex.append(Pattern.quote(part));
            }
        }
        var matcher = Pattern.compile(regex.toString()).matcher(rawPath);
        if (!matcher.matches()) {
            return null;
        }
        var parameters = new LinkedHashMap<String, String>();
        for (int i = 0; i < names.size(); i++) {
            parameters.put(names.get(i), URLDecoder.decode(matcher.group(i + 1).replace("+", "%2B"), StandardCharsets.UTF_8));
        }
        return parameters;
    }

    private static void send(HttpExchange exchange, int status, Map<String, String> headers, byte[] body) throws IOException {
        headers.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
