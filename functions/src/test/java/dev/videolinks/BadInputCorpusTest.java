package dev.videolinks;

import dev.videolinks.testing.LocalS3;
import dev.videolinks.testing.WebhookReceiver;
import dev.videolinks.testing.TestContext;
import dev.videolinks.testing.TestJson;
import dev.videolinks.testing.LocalAws;
import dev.videolinks.testing.Events;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file in events/bad is one kind of bad input, and events/bad/expected.json says what must become of it.
 * A completion event that can never succeed is answered, not failed (a failure would only be retried), and
 * nothing is recorded or sent; a bad API request gets its status and a JSON error without internals.
 */
class BadInputCorpusTest {

    static final Path CORPUS = Path.of("events", "bad");
    static final String EXPECTATIONS = "expected.json";
    static final String COMPLETION = "VideoCompletionFunction";
    static final String URL_API = "VideoUrlFunction";
    static final byte[] VIDEO = "\0\0\0\u0018ftypmp42 a stand-in for a clip".getBytes(StandardCharsets.UTF_8);

    @RegisterExtension
    static final LocalAws aws = new LocalAws();
    static JsonNode expectations;

    @BeforeAll
    static void readExpectations() throws Exception {
        expectations = TestJson.MAPPER.readTree(CORPUS.resolve(EXPECTATIONS).toFile());
    }


    static Set<String> files() throws IOException {
        try (Stream<Path> paths = Files.list(CORPUS)) {
            return paths.map(p -> p.getFileName().toString()).filter(name -> !name.equals(EXPECTATIONS))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    static Stream<String> completionCases() throws IOException {
        return files().stream().filter(name -> name.startsWith("completion-"));
    }

    static Stream<String> apiCases() throws IOException {
        return files().stream().filter(name -> name.startsWith("api-"));
    }

    static JsonNode expectation(String file, String function) {
        JsonNode expected = expectations.get(file);
        if (expected == null) {
            fail(file + " has no entry in events/bad/" + EXPECTATIONS);
        }
        assertEquals(function, expected.path("function").asText(), file + ": function");
        return expected;
    }

    @Test
    void corpus_everyFileHasAnExpectationAndEveryExpectationAFile() throws IOException {
        Set<String> files = files();
        var expected = new TreeSet<String>();
        expectations.fieldNames().forEachRemaining(expected::add);

        var withoutExpectation = new TreeSet<>(files);
        withoutExpectation.removeAll(expected);
        var withoutFile = new TreeSet<>(expected);
        withoutFile.removeAll(files);
        assertAll(() -> assertEquals(Set.of(), withoutExpectation, "files without an expectation"),
                () -> assertEquals(Set.of(), withoutFile, "expectations without a file"));
        for (String file : files) {
            String function = expectations.get(file).path("function").asText();
            assertTrue(file.startsWith("completion-") && function.equals(COMPLETION)
                    || file.startsWith("api-") && function.equals(URL_API), file + " is named for another function than " + function);
        }
        assertTrue(files.size() >= 40, "at least 40 kinds of bad input, found " + files.size());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("completionCases")
    void completion_badEvent_answersItsOutcomeWithoutFailingRecordingOrSending(String file) throws Exception {
        JsonNode expected = expectation(file, COMPLETION);
        String table = aws.freshTable();
        emptyBucket();
        JsonNode setup = expected.get("setup");
        if (setup != null) {
            var metadata = new HashMap<String, String>();
            setup.path("metadata").fields().forEachRemaining(f -> metadata.put(f.getKey(), f.getValue().asText()));
            aws.s3().put(Events.BUCKET, setup.get("key").asText(), VIDEO, setup.get("content_type").asText(), metadata);
        }
        List<String> logs = new CopyOnWriteArrayList<>();
        var out = new ByteArrayOutputStream();

        try (var receiver = WebhookReceiver.start()) {
            var handler = Wiring.of(completionEnv(table, receiver), LocalS3.CREDENTIALS, Clock.systemUTC(), CheckedLog.into(logs)).completionHandler();
            assertDoesNotThrow(() -> handler.handleRequest(new ByteArrayInputStream(Events.load("bad/" + file)), out,
                    TestContext.of("req-" + file)), file + ": the invocation failed, so Lambda would retry an event that cannot succeed");
            assertEquals(List.of(), receiver.requests(), file + ": webhooks sent");
        }

        assertEquals(0, aws.dynamoDb().client().scan(s -> s.tableName(table)).items().stream()
                .filter(item -> !item.get("job_id").s().contains("#")).count(), file + ": jobs recorded in the table");
        JsonNode report = TestJson.MAPPER.readTree(out.toByteArray());
        assertReport(file, expected, report);
        assertLogged(file, expected, logs);
    }

    static void assertReport(String file, JsonNode expected, JsonNode report) {
        String outcome = expected.get("outcome").asText();
        String reason = expected.path("reason").asText(null);
        List<String> rejected = texts(report.path("rejected"));
        JsonNode objects = report.path("objects");
        assertEquals(0, report.path("deliveries").size(), file + ": deliveries in " + report);
        switch (outcome) {
            case "rejected" -> {
                assertEquals(List.of(reason), rejected, file + ": rejected in " + report);
                assertEquals(0, objects.size(), file + ": objects in " + report);
            }
            case "skipped", "ignored" -> {
                assertEquals(List.of(), rejected, file + ": rejected in " + report);
                assertEquals(1, objects.size(), file + ": objects in " + report);
                assertEquals(outcome.toUpperCase(Locale.ROOT), objects.get(0).path("outcome").asText(), file + ": outcome in " + report);
                assertEquals(reason, objects.get(0).path("reason").asText(null), file + ": reason in " + report);
            }
            case "none" -> {
                assertEquals(List.of(), rejected, file + ": rejected in " + report);
                assertEquals(0, objects.size(), file + ": objects in " + report);
            }
            default -> fail(file + ": unknown outcome '" + outcome + "'");
        }
    }

    /** Rejected and skipped are errors someone must look at (SPEC §2); ignored is routine. */
    static void assertLogged(String file, JsonNode expected, List<String> logs) throws IOException {
        String outcome = expected.get("outcome").asText();
        if (outcome.equals("none")) {
            return;
        }
        String level = outcome.equals("ignored") ? "INFO" : "ERROR";
        String reason = expected.get("reason").asText();
        for (String line : logs) {
            JsonNode json = TestJson.MAPPER.readTree(line);
            if (level.equals(json.path("level").asText()) && reason.equals(json.path("reason").asText())) {
                return;
            }
        }
        fail(file + ": no " + level + " log line with reason '" + reason + "' in " + logs);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("apiCases")
    void urlApi_badRequest_answersItsStatusWithAJsonErrorAndNoInternals(String file) throws Exception {
        JsonNode expected = expectation(file, URL_API);
        var handler = Wiring.of(apiEnv(), LocalS3.CREDENTIALS, Clock.systemUTC(), CheckedLog.into(new java.util.ArrayList<>())).urlHandler();

        APIGatewayV2HTTPResponse response = HttpApi.call(handler, Events.api("bad/" + file), TestContext.of("req-" + file));

        String body = file + " answered " + response.getBody();
        assertEquals(expected.get("status").asInt(), response.getStatusCode(), body);
        assertEquals("application/json", response.getHeaders().get("Content-Type"), body);
        JsonNode json = TestJson.MAPPER.readTree(response.getBody());
        assertEquals(List.of("error"), fieldNames(json), body);
        JsonNode error = json.get("error");
        assertEquals(List.of("code", "message"), fieldNames(error), body);
        assertEquals(expected.get("code").asText(), error.get("code").asText(), body);
        assertTrue(error.get("message").isTextual() && !error.get("message").asText().isBlank(), body);
        if (expected.has("message")) {
            assertEquals(expected.get("message").asText(), error.get("message").asText(), body);
        }
        for (String internal : List.of("Exception", "Error:", "\tat ", "at dev.", "dev.videolinks", "java.", "jackson", "software.amazon")) {
            assertFalse(response.getBody().contains(internal), "'" + internal + "' in " + body);
        }
    }

    static void emptyBucket() {
        aws.s3().client().listObjectsV2Paginator(l -> l.bucket(Events.BUCKET)).contents()
                .forEach(o -> aws.s3().client().deleteObject(d -> d.bucket(Events.BUCKET).key(o.key())));
    }

    static Map<String, String> completionEnv(String table, WebhookReceiver receiver) {
        var env = commonEnv(table);
        env.put("WEBHOOK_URL", receiver.url().toString());
        env.put("WEBHOOK_SECRET", VideoCompletionHandlerTest.SECRET);
        return env;
    }

    static Map<String, String> apiEnv() {
        return commonEnv("videos-never-read");
    }

    static Map<String, String> commonEnv(String table) {
        var env = aws.env(table);
        return env;
    }

    static List<String> texts(JsonNode array) {
        var texts = new ArrayList<String>();
        array.forEach(node -> texts.add(node.asText()));
        return texts;
    }

    static List<String> fieldNames(JsonNode node) {
        var names = new ArrayList<String>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
