package dev.videolinks;

import com.fasterxml.jackson.databind.JsonNode;
import com.standardwebhooks.Webhook;
import dev.videolinks.Simulation.Change;
import dev.videolinks.Simulation.S3Object;
import dev.videolinks.testing.Events;
import dev.videolinks.testing.TestContext;
import dev.videolinks.testing.TestJson;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The invariants of "the table follows the bucket", checked once a history is quiet, against the bucket's final
 * state as the simulation performed it (and S3Proxy confirms):
 * <ol>
 *   <li>each job lists exactly the current objects that name it and belong to its owner (the first owner a video
 *       of the job named, as the table fixed it);
 *   <li>no key is listed by two jobs;
 *   <li>every URL the API hands out fetches the bytes of the key's current object, whose owner is the job's;
 *   <li>every complete job has had a 2xx webhook carrying exactly its current videos, unless its receiver
 *       answered 410;
 *   <li>nothing is left leased or due;
 *   <li>no invocation that started after the event of a change had been handled sends a version that the change
 *       made stale (a deleted video is never announced, whatever the order its events came in).
 * </ol>
 * Each violation is one line that starts with its invariant's number.
 */
final class SimulationChecks {

    static final List<String> INVARIANTS = List.of(
            "1 each job lists exactly its current objects",
            "2 no key in two jobs",
            "3 every URL fetches its job owner's current bytes",
            "4 every complete job had a 2xx webhook of exactly its videos",
            "5 nothing left leased or due",
            "6 nothing stale sent after its change was handled");

    /** Versions of a key told apart by their bytes (see {@link Simulation.S3Object#sameVersion}). */
    private static final java.util.Comparator<Version> SAME_BYTES = java.util.Comparator.comparing(Version::key)
            .thenComparing(Version::etag);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Simulation run;
    private final List<String> violations = new ArrayList<>();

    SimulationChecks(Simulation run) {
        this.run = run;
    }

    /** A version of a key, as the table, the API and the webhooks name it. */
    record Version(String key, String etag, String versionId) {
        @Override
        public String toString() {
            return key.substring(SimulationHistory.PREFIX.length()) + "@" + etag.substring(0, Math.min(6, etag.length()))
                    + (versionId == null ? "" : "/" + versionId);
        }
    }

    List<String> violations() {
        checkTheModel();
        var listedBy = new HashMap<String, String>();
        var api = run.world.api;
        for (String job : SimulationHistory.JOBS) {
            var event = Events.api("api-get-job-iam.json");
            event.setPathParameters(Map.of("jobId", job));
            var response = HttpApi.call(api, event, TestContext.of("check-" + job));
            JsonNode answer = null;
            if (response.getStatusCode() == 200) {
                answer = read(response.getBody());
            } else if (response.getStatusCode() != 404) {
                violations.add("1 GET /videos/" + job + " answered " + response.getStatusCode() + ": " + response.getBody());
                continue;
            }
            checkJob(job, answer, listedBy);
        }
        checkNothingDue();
        checkNothingStaleSent();
        return violations;
    }

    /** The simulation's model of the bucket must be the bucket: else the checks below would judge the wrong thing. */
    private void checkTheModel() {
        for (String key : SimulationHistory.KEYS) {
            S3Object expected = run.current(key);
            String found;
            try {
                var head = run.world.s3.client().headObject(h -> h.bucket(run.bucket).key(key));
                found = head.eTag().replace("\"", "") + "/" + head.versionId();
            } catch (S3Exception e) {
                found = e.statusCode() == 404 ? null : "HeadObject " + e.statusCode();
            }
            String modelled = expected == null ? null : expected.etag() + "/" + expected.versionId();
            if (!Objects.equals(found, modelled)) {
                var listed = run.world.s3.client().listObjectVersions(l -> l.bucket(run.bucket).prefix(key));
                throw new IllegalStateException("the simulation's model of " + key + " is " + modelled + ", S3 has " + found
                        + "; model " + run.objects.get(key).stream().map(o -> o.versionId() + (o.deleteMarker() ? "(marker)" : ""))
                        .toList() + "; S3 lists " + listed.versions().stream().map(v -> v.versionId() + (v.isLatest() ? "*" : ""))
                        .toList() + " markers " + listed.deleteMarkers().stream().map(v -> v.versionId() + (v.isLatest() ? "*" : ""))
                        .toList());
            }
        }
    }

    private void checkJob(String job, JsonNode answer, Map<String, String> listedBy) {
        String owner = answer == null || answer.get("user_id").isNull() ? null : answer.get("user_id").asText();
        List<S3Object> naming = SimulationHistory.KEYS.stream().map(run::current)
                .filter(o -> o != null && job.equals(o.job())).toList();
        List<S3Object> expected = naming.stream().filter(o -> o.user() == null || o.user().equals(owner)).toList();
        var listed = new TreeSet<Version>(SAME_BYTES);
        var urls = new HashMap<Version, String>();
        if (answer != null) {
            for (JsonNode video : answer.get("videos")) {
                String url = video.get("file_url").asText();
                var version = new Version(video.get("s3_key").asText(), video.get("etag").asText(), versionId(url));
                listed.add(version);
                urls.put(version, url);
            }
        }
        var want = new TreeSet<Version>(SAME_BYTES);
        expected.forEach(object -> want.add(version(object)));
        if (!listed.equals(want)) {
            violations.add("1 job " + job + " (owner " + owner + ") lists " + listed + ", the bucket's current objects"
                    + " that name it and belong to its owner are " + want);
        }
        if (owner != null && run.history.ops().stream().noneMatch(op -> namesOwner(op, job, owner))) {
            violations.add("1 job " + job + " is owned by " + owner + ", whom no upload named for it");
        }
        for (Version version : listed) {
            String other = listedBy.putIfAbsent(version.key(), job);
            if (other != null) {
                violations.add("2 key " + version.key() + " is listed by jobs " + other + " and " + job);
            }
            checkUrl(job, owner, version, urls.get(version));
        }
        int count = expected.stream().mapToInt(S3Object::count).max().orElse(1);
        boolean complete = !expected.isEmpty() && expected.size() >= count;
        if (answer != null && !answer.get("status").asText().equals(complete ? "completed" : "processing")) {
            violations.add("1 job " + job + " answers status " + answer.get("status").asText() + " with " + listed
                    + " and video-count " + count);
        }
        if (complete) {
            checkDelivered(job, want);
        }
    }

    private static boolean namesOwner(SimulationHistory.Op op, String job, String owner) {
        if (!(op instanceof SimulationHistory.Put put)) {
            return op instanceof SimulationHistory.PutAgain;
        }
        String named = put.job() != null ? put.job() : Simulation.keyJob(put.key());
        String user = put.user() != null ? put.user() : Simulation.keyUser(put.key());
        return job.equals(named) && owner.equals(user);
    }

    private void checkUrl(String job, String owner, Version version, String url) {
        S3Object current = run.current(version.key());
        try {
            var response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                violations.add("3 the URL of " + version + " in job " + job + " answers " + response.statusCode());
                return;
            }
            String bytes = new String(response.body(), StandardCharsets.UTF_8);
            if (current == null || !Arrays.equals(response.body(), current.bytes())) {
                violations.add("3 the URL of " + version + " in job " + job + " fetches '" + bytes + "', the key's"
                        + " current object is " + (current == null ? "none" : "'" + new String(current.bytes(),
                        StandardCharsets.UTF_8) + "'"));
            }
            String byteOwner = bytes.startsWith("owner=") ? bytes.substring(6, bytes.indexOf(';')) : "-";
            if (owner != null && !byteOwner.equals("-") && !byteOwner.equals(owner)) {
                violations.add("3 job " + job + " of " + owner + " serves " + byteOwner + "'s bytes through " + version);
            }
        } catch (IOException e) {
            violations.add("3 the URL of " + version + " in job " + job + " cannot be fetched: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void checkDelivered(String job, Set<Version> videos) {
        boolean gone = false;
        for (var webhook : run.webhooks) {
            if (!job.equals(webhook.body().get("job_id").asText())) {
                continue;
            }
            gone |= webhook.status() == 410;
            if (webhook.status() / 100 == 2 && videos(webhook.body()).equals(videos)) {
                verify(webhook);
                return;
            }
        }
        if (!gone) {
            violations.add("4 job " + job + " is complete with " + videos + " and no 2xx webhook carried exactly that; it got "
                    + run.webhooks.stream().filter(w -> job.equals(w.body().get("job_id").asText()))
                            .map(w -> w.status() + " " + videos(w.body())).toList());
        }
    }

    /**
     * The signature as a receiver with the standardwebhooks library checks it, at the simulation's clock: the
     * library's own verify would compare the timestamp with the real time.
     */
    private void verify(Simulation.Webhook webhook) {
        try {
            String expected = new Webhook(Simulation.SECRET).sign(webhook.webhookId(),
                    Long.parseLong(webhook.headers().get("webhook-timestamp")), new String(webhook.raw(), StandardCharsets.UTF_8));
            if (!List.of(webhook.headers().get("webhook-signature").split(" ")).contains(expected)) {
                violations.add("4 the webhook " + webhook.webhookId() + " is not signed with the secret");
            }
        } catch (Exception e) {
            violations.add("4 the webhook " + webhook.webhookId() + " cannot be verified: " + e);
        }
    }

    private static Set<Version> videos(JsonNode body) {
        var videos = new TreeSet<Version>(SAME_BYTES);
        for (JsonNode video : body.at("/data/videos")) {
            videos.add(new Version(video.get("s3_key").asText(), video.get("etag").asText(),
                    versionId(video.get("file_url").asText())));
        }
        return videos;
    }

    private void checkNothingDue() {
        long now = run.clock.instant().getEpochSecond();
        for (var item : run.world.dynamoDb.scanPaginator(s -> s.tableName(run.table)).items()) {
            String id = item.get("job_id").s();
            if (item.containsKey("due")) {
                violations.add("5 " + id + " is still due (state " + text(item, "delivery_state") + ", next attempt "
                        + text(item, "next_attempt_at") + ", now " + now + ")");
            }
            if (item.containsKey("lease_until") && Long.parseLong(item.get("lease_until").n()) > now) {
                violations.add("5 " + id + " is still leased until " + item.get("lease_until").n() + " (now " + now + ")");
            }
        }
    }

    /**
     * Invariant 6: a webhook whose sender started after the event of some change to a key had been handled must not
     * carry the version that change made stale.
     */
    private void checkNothingStaleSent() {
        for (var webhook : run.webhooks) {
            if (webhook.sender() == null) {
                continue;
            }
            for (Version version : videos(webhook.body())) {
                List<Change> changes = run.timeline.getOrDefault(version.key(), List.of());
                Change staled = null;
                boolean current = false;
                for (int i = 0; i < changes.size() && changes.get(i).step() <= webhook.step(); i++) {
                    boolean isIt = matches(changes.get(i).current(), version);
                    if (current && !isIt) {
                        staled = changes.get(i);
                    }
                    current = isIt;
                }
                if (current || staled == null) {
                    continue;
                }
                for (var event : run.events) {
                    Long handledAt = run.handled.get(event.index());
                    if (event.op() == staled.op() && handledAt != null && handledAt <= webhook.sender().startStep) {
                        violations.add("6 " + webhook.sender().name + " started after the event of op " + staled.op()
                                + " (" + run.history.ops().get(staled.op()) + ") was handled, and sent " + version
                                + " in webhook " + webhook.webhookId() + " of job " + webhook.body().get("job_id").asText());
                    }
                }
            }
        }
    }

    private static boolean matches(S3Object object, Version version) {
        return object != null && object.key().equals(version.key()) && object.sameVersion(version.etag());
    }

    private static Version version(S3Object object) {
        return new Version(object.key(), object.etag(), object.versionId());
    }

    private static String versionId(String url) {
        String query = URI.create(url).getRawQuery();
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            if (pair.startsWith("versionId=")) {
                return URLDecoder.decode(pair.substring("versionId=".length()), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static JsonNode read(String body) {
        try {
            return TestJson.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new IllegalStateException("not JSON: " + body, e);
        }
    }

    private static String text(Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> item, String name) {
        var value = item.get(name);
        return value == null ? null : value.s() != null ? value.s() : value.n();
    }
}
