package dev.videolinks.local;

import dev.videolinks.Json;
import dev.videolinks.testing.WebhookReceiver;
import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A stand-in for the app's webhook route: verifies each delivery with the Standard Webhooks library, prints
 * it (URLs without their query string) and keeps the body in a file, for trying the system with no app.
 */
final class LocalReceiver implements AutoCloseable {

    private final WebhookReceiver server;

    LocalReceiver(int port, String secret, Path keep, Consumer<String> console) throws Exception {
        Webhook verifier = secret == null || secret.isBlank() ? null : new Webhook(secret.split("\\s+")[0]);
        server = WebhookReceiver.start(port, request -> {
            String id = request.header("webhook-id");
            String verdict;
            if (verifier == null) {
                verdict = "UNSIGNED";
            } else {
                try {
                    verifier.verify(request.text(), request.headers());
                    verdict = "signature verified";
                } catch (WebhookVerificationException e) {
                    console.accept("webhook " + id + " REJECTED: " + e.getMessage());
                    return WebhookReceiver.Answer.status(401);
                }
            }
            try {
                Files.createDirectories(keep);
                Path file = keep.resolve((id == null ? "unnamed" : id.replaceAll("[^A-Za-z0-9_-]", "_")) + ".json");
                Files.write(file, request.body());
                console.accept(describe(id, verdict, request.text(), file));
                return WebhookReceiver.Answer.status(204);
            } catch (IOException e) {
                console.accept("webhook " + id + " not kept: " + e.getMessage());
                return WebhookReceiver.Answer.status(500);
            }
        });
    }

    private static String describe(String id, String verdict, String text, Path file) throws IOException {
        var payload = Json.parse(text) instanceof Map<?, ?> object ? object : Map.of();
        var data = payload.get("data") instanceof Map<?, ?> object ? object : Map.of();
        var out = new StringBuilder("webhook ").append(id).append(" (").append(verdict).append("): job ")
                .append(payload.get("job_id")).append(", user ").append(payload.get("user_id"))
                .append(", ").append(data.get("num_videos")).append(" video(s)");
        for (Object item : data.get("videos") instanceof List<?> videos ? videos : List.of()) {
            var video = (Map<?, ?>) item;
            URI url = URI.create((String) video.get("file_url"));
            out.append("\n    ").append(video.get("s3_key")).append(" -> ")
                    .append(url.getScheme()).append("://").append(url.getRawAuthority()).append(url.getRawPath())
                    .append("?… (expires ").append(video.get("file_url_expires_at")).append(")");
        }
        return out.append("\n    full body with the playable file_url: ").append(file).toString();
    }

    URI url() {
        return server.url();
    }

    static URI url(int port) {
        return WebhookReceiver.url(port);
    }

    @Override
    public void close() {
        server.close();
    }
}
