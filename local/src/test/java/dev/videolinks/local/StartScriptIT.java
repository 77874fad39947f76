package dev.videolinks.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command, as a user types it: {@code local/start} runs Maven, which builds the modules the
 * local stack needs and starts it; the URL API it prints then answers. Guards the script and its Maven
 * invocation, which no in-process test of {@link LocalStack} goes through.
 */
class StartScriptIT {

    static final Duration STARTUP = Duration.ofMinutes(4);
    static final Pattern API = Pattern.compile("URL API\\s+(http://127\\.0\\.0\\.1:\\d+)");

    @Test
    void localStart_onFreePorts_comesUpAndItsUrlApiAnswers(@TempDir Path data) throws Exception {
        var process = new ProcessBuilder("local/start", "--receiver", "--s3-port", "0", "--dynamodb-port", "0",
                "--api-port", "0", "--receiver-port", "0", "--data-dir", data.toString())
                .redirectErrorStream(true)
                .start();
        try {
            var api = CompletableFuture.supplyAsync(() -> apiUrlFrom(process));
            String url = api.get(STARTUP.toSeconds(), TimeUnit.SECONDS);
            assertNotNull(url, "local/start ended before printing its URL API");

            var http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            var answer = http.send(HttpRequest.newBuilder(URI.create(url + "/videos/no-such-job"))
                    .header("X-Local-User", "u1").timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(404, answer.statusCode(), answer.body());
        } finally {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        }
    }

    /**
     * Echoes the script's output to the build log and answers the URL API's address once it is printed (null if
     * the script ends first); the rest of its output keeps going to the log until it ends.
     */
    static String apiUrlFrom(Process process) {
        var lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        try {
            String line;
            while ((line = lines.readLine()) != null) {
                System.out.println("[local/start] " + line);
                var match = API.matcher(line);
                if (match.find()) {
                    var rest = new Thread(() -> lines.lines().forEach(l -> System.out.println("[local/start] " + l)));
                    rest.setDaemon(true);
                    rest.start();
                    return match.group(1);
                }
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
