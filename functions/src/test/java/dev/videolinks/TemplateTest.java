package dev.videolinks;

import dev.videolinks.testing.LocalS3;
import dev.videolinks.testing.Template;
import dev.videolinks.testing.TestJson;
import dev.videolinks.testing.Events;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** template.yaml against the code: handlers, environment, and a resource graph CloudFormation can order. */
class TemplateTest {

    /** Set by Lambda itself, not by the template. */
    static final Set<String> SET_BY_LAMBDA = Set.of("AWS_REGION");
    /** Only for the local stack and tests; never in the deployed template. */
    static final Set<String> LOCAL_ONLY = Set.of("AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL_DYNAMODB");

    final Template template = Template.load();

    Map<String, Map<String, Object>> functions() {
        var functions = new LinkedHashMap<String, Map<String, Object>>();
        template.resources().forEach((id, resource) -> {
            if ("AWS::Serverless::Function".equals(resource.get("Type"))) {
                functions.put(id, template.resourceProperties(id));
            }
        });
        return functions;
    }

    @SuppressWarnings("unchecked")
    Set<String> declaredVariables(String functionId) {
        var names = new TreeSet<String>(((Map<String, Object>) template.section("Globals", "Function", "Environment")
                .getOrDefault("Variables", Map.of())).keySet());
        var own = (Map<String, Object>) functions().get(functionId).getOrDefault("Environment", Map.of());
        names.addAll(((Map<String, Object>) own.getOrDefault("Variables", Map.of())).keySet());
        return names;
    }

    static Class<?> handlerClass(String handler) throws ClassNotFoundException {
        return Class.forName(handler.split("::", 2)[0]);
    }

    @Test
    void handlers_resolveToHandlerClassesLambdaCanConstruct() throws Exception {
        assertFalse(functions().isEmpty());
        for (var function : functions().entrySet()) {
            String handler = (String) function.getValue().get("Handler");
            Class<?> type = handlerClass(handler);
            assertTrue(RequestStreamHandler.class.isAssignableFrom(type) || RequestHandler.class.isAssignableFrom(type),
                    function.getKey() + ": " + type + " is not a Lambda handler");
            assertTrue(Modifier.isPublic(type.getConstructor().getModifiers()), function.getKey() + ": no public no-arg constructor");
            assertEquals("handleRequest", handler.split("::", 2)[1], function.getKey());
        }
    }

    /** An environment that remembers every variable a handler asked for. */
    static final class RecordingEnvironment extends HashMap<String, String> {
        final Set<String> reads = new TreeSet<>();

        @Override
        public String get(Object key) {
            reads.add((String) key);
            return super.get(key);
        }
    }

    /**
     * Builds each function's handler from a map that records what it reads, with the values of events/env.json,
     * and checks that the template sets every variable it read.
     */
    @Test
    void environment_everyVariableAFunctionReadsIsSetByTheTemplate() throws Exception {
        JsonNode samples = TestJson.MAPPER.readTree(Events.load("env.json"));
        for (var function : functions().entrySet()) {
            String id = function.getKey();
            var env = new RecordingEnvironment();
            var reads = env.reads;
            samples.path(id).properties().forEach(e -> env.put(e.getKey(), e.getValue().asText()));
            env.put("AWS_REGION", "eu-north-1");

            construct(handlerClass((String) function.getValue().get("Handler")), env);

            var unset = new TreeSet<>(reads);
            unset.removeAll(declaredVariables(id));
            unset.removeAll(SET_BY_LAMBDA);
            unset.removeAll(LOCAL_ONLY);
            assertEquals(Set.of(), unset, id + " reads variables the template does not set");
            assertTrue(reads.containsAll(Set.of("VIDEO_BUCKET", "VIDEO_TABLE")), id + " reads " + reads);
        }
    }

    /** `sam local invoke --env-vars` only overrides variables the template declares. */
    @Test
    void envJson_overridesOnlyDeclaredVariables() throws Exception {
        JsonNode samples = TestJson.MAPPER.readTree(Events.load("env.json"));
        samples.properties().forEach(function -> {
            assertTrue(functions().containsKey(function.getKey()), function.getKey() + " is not a function");
            function.getValue().properties().forEach(variable -> assertTrue(
                    declaredVariables(function.getKey()).contains(variable.getKey()),
                    function.getKey() + " does not declare " + variable.getKey()));
        });
    }

    /** Keys S3 must announce, each with the Content-Type it is stored with (SPEC §2: the function decides). */
    static final Map<String, String> VIDEO_KEYS = orderedMap(
            "generated_videos/u1/j1/CLIP.MOV", "video/quicktime",
            "generated_videos/u1/j1/clip.MP4", "video/mp4",
            "generated_videos/u1/j1/render_output", "video/mp4",
            "generated_videos/u1/j1/a b+c.webm", "video/webm",
            "generated_videos/video_cmh3lmwiy0001ggy4xovsxj8h.mp4", "binary/octet-stream");
    static final List<String> CREATED = List.of("ObjectCreated:Put", "ObjectCreated:Post", "ObjectCreated:Copy",
            "ObjectCreated:CompleteMultipartUpload");
    static final List<String> REMOVED = List.of("ObjectRemoved:Delete", "ObjectRemoved:DeleteMarkerCreated");

    @Test
    void s3Triggers_everyVideoKeyIsAnnouncedForEveryWayOfCreatingAndRemovingIt() {
        var triggers = s3Triggers(template, "VideoCompletionFunction");
        var keys = new VideoKeys(parameterDefault("VideoPrefix"));
        for (var video : VIDEO_KEYS.entrySet()) {
            for (String eventName : concat(CREATED, REMOVED)) {
                assertTrue(triggers.stream().anyMatch(t -> t.announces(eventName, video.getKey())),
                        eventName + " of " + video.getKey() + " never reaches the function");
            }
            assertTrue(keys.isCandidate(video.getKey()) && keys.isVideo(video.getKey(), video.getValue()),
                    video.getKey() + " is announced but the function would not take it for a video");
        }
    }

    @Test
    void s3Triggers_onlyTheVideoPrefixIsAnnounced() {
        var triggers = s3Triggers(template, "VideoCompletionFunction");

        assertFalse(triggers.stream().anyMatch(t -> t.announces("ObjectCreated:Put", "uploads/u1/j1/clip.mp4")));
        assertFalse(triggers.stream().anyMatch(t -> t.announces("ObjectCreated:Put", "Generated_videos/u1/j1/clip.mp4")));
        assertFalse(triggers.stream().anyMatch(t -> t.announces("ObjectRestore:Completed", "generated_videos/u1/j1/clip.mp4")));
    }

    /** The rules below are S3's: a suffix filter on .mov never announces CLIP.MOV. */
    @Test
    void s3Filter_suffixRulesAreCaseSensitiveAsInS3() {
        var movOnly = new S3Trigger(List.of("s3:ObjectCreated:*"), "generated_videos/", ".mov");

        assertTrue(movOnly.announces("ObjectCreated:Copy", "generated_videos/u1/j1/clip.mov"));
        assertFalse(movOnly.announces("ObjectCreated:Copy", "generated_videos/u1/j1/CLIP.MOV"));
        assertFalse(movOnly.announces("ObjectRemoved:Delete", "generated_videos/u1/j1/clip.mov"));
    }

    /**
     * One S3 event configuration as S3 evaluates it: event types match exactly or by a trailing {@code *}
     * wildcard; the key must start with the prefix and end with the suffix, both compared case-sensitively.
     */
    record S3Trigger(List<String> events, String prefix, String suffix) {
        boolean announces(String eventName, String key) {
            String type = "s3:" + eventName;
            boolean typeMatches = events.stream().anyMatch(pattern -> pattern.endsWith("*")
                    ? type.startsWith(pattern.substring(0, pattern.length() - 1)) : type.equals(pattern));
            return typeMatches && key.startsWith(prefix) && key.endsWith(suffix);
        }
    }

    @SuppressWarnings("unchecked")
    List<S3Trigger> s3Triggers(Template template, String functionId) {
        var events = (Map<String, Map<String, Object>>) template.resourceProperties(functionId).get("Events");
        var triggers = new ArrayList<S3Trigger>();
        for (var event : events.values()) {
            if (!"S3".equals(event.get("Type"))) {
                continue;
            }
            var properties = (Map<String, Object>) event.get("Properties");
            Object types = properties.get("Events");
            String prefix = "";
            String suffix = "";
            var filter = (Map<String, Map<String, List<Map<String, Object>>>>) properties.getOrDefault("Filter", Map.of());
            for (var rule : filter.getOrDefault("S3Key", Map.of()).getOrDefault("Rules", List.of())) {
                String value = resolve(rule.get("Value"));
                if ("prefix".equals(rule.get("Name"))) {
                    prefix = value;
                } else {
                    suffix = value;
                }
            }
            triggers.add(new S3Trigger(types instanceof List<?> list ? list.stream().map(String::valueOf).toList()
                    : List.of(String.valueOf(types)), prefix, suffix));
        }
        return triggers;
    }

    @SuppressWarnings("unchecked")
    String resolve(Object value) {
        if (value instanceof Map<?, ?> ref && ref.containsKey("Ref")) {
            return parameterDefault((String) ref.get("Ref"));
        }
        return String.valueOf(value);
    }

    @SuppressWarnings("unchecked")
    String parameterDefault(String parameter) {
        return String.valueOf(((Map<String, Object>) template.section("Parameters").get(parameter)).get("Default"));
    }

    static Map<String, String> orderedMap(String... pairs) {
        var map = new LinkedHashMap<String, String>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }

    static List<String> concat(List<String> a, List<String> b) {
        var all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    @Test
    void resourceGraph_hasNoCycle() {
        assertEquals(List.of(), cycle(dependencies(withGlobals(template))));
    }

    /** Functions as SAM deploys them: with Globals.Function merged in (only its references matter here). */
    static Map<String, Map<String, Object>> withGlobals(Template template) {
        var globals = template.section("Globals", "Function");
        var resources = new LinkedHashMap<String, Map<String, Object>>();
        template.resources().forEach((id, resource) -> {
            var merged = new LinkedHashMap<>(resource);
            if ("AWS::Serverless::Function".equals(resource.get("Type"))) {
                merged.put("Globals", globals);
            }
            resources.put(id, merged);
        });
        return resources;
    }

    @Test
    void resourceGraph_bucketReferencedByItsOwnFunction_isACycle() {
        var resources = new LinkedHashMap<String, Map<String, Object>>();
        resources.put("Bucket", Map.of("Type", "AWS::S3::Bucket"));
        resources.put("Fn", Map.of("Type", "AWS::Serverless::Function", "Properties", Map.of(
                "Environment", Map.of("Variables", Map.of("VIDEO_BUCKET", Map.of("Ref", "Bucket"))),
                "Events", Map.of("Created", Map.of("Type", "S3", "Properties", Map.of("Bucket", Map.of("Ref", "Bucket")))))));

        assertEquals(List.of("Bucket", "Fn", "Bucket"), cycle(dependencies(resources)));
    }

    @Test
    @SuppressWarnings("unchecked")
    void videoApi_routesAreTheOnesTheHandlerServesAndEachHasAnAuthorizer() {
        var body = (Map<String, Object>) template.resourceProperties("VideoApi").get("DefinitionBody");
        var routes = new TreeSet<String>();
        ((Map<String, Map<String, Map<String, Object>>>) body.get("paths")).forEach((path, operations) ->
                operations.forEach((method, operation) -> {
                    routes.add(method.toUpperCase() + " " + path);
                    assertTrue(operation.containsKey("security"), method + " " + path + " has no authorizer");
                    var uri = String.valueOf(((Map<String, Object>) operation.get("x-amazon-apigateway-integration")).get("uri"));
                    assertTrue(uri.contains("${VideoUrlFunction.Alias}"), method + " " + path + " integrates " + uri);
                }));

        assertEquals(new TreeSet<>(Set.of(VideoUrlHandler.GET_JOB, VideoUrlHandler.BATCH)), routes);
    }

    @Test
    @SuppressWarnings("unchecked")
    void videoTable_keySchemaIsTheOneTheCodeUses() {
        var keySchema = (List<Map<String, String>>) template.resourceProperties("VideoTable").get("KeySchema");

        assertEquals(List.of(Map.of("AttributeName", "job_id", "KeyType", "HASH")), keySchema);
    }

    @Test
    @SuppressWarnings("unchecked")
    void parameters_secretsAreNoEchoWithoutDefaultValue() {
        var secret = (Map<String, Object>) template.section("Parameters").get("WebhookSecret");

        assertEquals(Boolean.TRUE, secret.get("NoEcho"));
        assertEquals("", secret.get("Default"));
    }

    /**
     * `sam build` builds each function with the Makefile's `build-<Id>` target. Without the Metadata, SAM's Maven
     * builder runs `mvn clean install` and every test; without the target, `sam build` fails.
     */
    @Test
    @SuppressWarnings("unchecked")
    void functions_eachBuiltByItsMakefileTarget() throws IOException {
        Set<String> targets = makeTargets(Files.readAllLines(MAKEFILE));
        assertFalse(functions().isEmpty());
        for (String id : functions().keySet()) {
            var metadata = (Map<String, Object>) template.resources().get(id).getOrDefault("Metadata", Map.of());
            assertEquals("makefile", metadata.get("BuildMethod"), id + ": without BuildMethod makefile, sam build runs every test");
            assertTrue(targets.contains("build-" + id), "the Makefile has no build-" + id + " target");
        }
    }

    /**
     * The package only: the Maven command of `sam build` goes no further than `package`, and when it passes the
     * test phase it skips compiling and running the tests, so no test server starts.
     */
    @Test
    void makefile_mavenBuildsThePackageWithoutTheTests() throws IOException {
        List<String> maven = Files.readAllLines(MAKEFILE).stream().filter(line -> line.startsWith("\t$(MVN) ")).toList();
        assertEquals(1, maven.size(), "the Makefile's Maven commands: " + maven);

        var words = List.of(maven.getFirst().trim().split("\\s+"));
        var phases = new TreeSet<>(words);
        phases.retainAll(PHASES_FROM_TEST);
        phases.removeAll(Set.of("test", "prepare-package", "package"));
        assertEquals(Set.of(), phases, "sam build would run the integration tests or checks: " + maven.getFirst().trim());
        boolean reachesTests = words.stream().anyMatch(Set.of("test", "prepare-package", "package")::contains);
        assertTrue(!reachesTests || words.contains("-Dmaven.test.skip=true"), "sam build would run the tests: " + maven.getFirst().trim());
    }

    @Test
    void makeTargets_readsRulesNotRecipesCommentsOrVariables() {
        var makefile = List.of("# build-Comment: no", "MVN ?= ./mvnw", "DIR := a:b", "build-A build-B: prerequisite",
                "\t$(MVN) compile", "\techo x: y", "build-C:");

        assertEquals(Set.of("build-A", "build-B", "build-C"), makeTargets(makefile));
    }

    static final Path MAKEFILE = Path.of("Makefile");
    static final Set<String> PHASES_FROM_TEST = Set.of("test", "prepare-package", "package", "pre-integration-test",
            "integration-test", "post-integration-test", "verify", "install", "deploy");
    private static final Pattern MAKE_RULE = Pattern.compile("^([^\\s#:=][^:=]*):(?![:=])");

    /** The targets of a Makefile's rules (`a b: prerequisites`), not its recipes, comments or variables. */
    static Set<String> makeTargets(List<String> lines) {
        var targets = new TreeSet<String>();
        for (String line : lines) {
            Matcher rule = MAKE_RULE.matcher(line);
            if (rule.find()) {
                targets.addAll(List.of(rule.group(1).trim().split("\\s+")));
            }
        }
        return targets;
    }

    /** Builds the handler the way Lambda's no-arg constructor does, with {@code env} as the environment. */
    static void construct(Class<?> handler, Map<String, String> env) {
        var wiring = Wiring.of(env, LocalS3.CREDENTIALS, Clock.systemUTC(), line -> { });
        try {
            switch (handler.getSimpleName()) {
                case "VideoCompletionHandler" -> wiring.completionHandler();
                case "VideoUrlHandler" -> wiring.urlHandler();
                case "WebhookRedeliveryHandler" -> wiring.redeliveryHandler();
                default -> fail(handler + " is not a handler Wiring builds");
            }
        } catch (IllegalArgumentException e) {
            fail(handler.getSimpleName() + " does not start with the template's variables: " + e.getMessage());
        }
    }

    // --- the dependency graph CloudFormation sees ---

    private static final Pattern SUB_REFERENCE = Pattern.compile("\\$\\{([A-Za-z0-9]+)[.}]");

    /** resource → the resources it needs first (Ref, GetAtt, Sub, DependsOn, and the bucket → function edge of S3 events). */
    @SuppressWarnings("unchecked")
    static Map<String, Set<String>> dependencies(Map<String, Map<String, Object>> resources) {
        var graph = new LinkedHashMap<String, Set<String>>();
        resources.keySet().forEach(id -> graph.put(id, new LinkedHashSet<>()));
        resources.forEach((id, resource) -> {
            var definition = new HashMap<>(resource);
            var properties = new HashMap<String, Object>((Map<String, Object>) resource.getOrDefault("Properties", Map.of()));
            var events = (Map<String, Map<String, Object>>) properties.remove("Events");
            definition.put("Properties", properties);
            references(definition, resources.keySet(), graph.get(id));
            Object dependsOn = resource.get("DependsOn");
            if (dependsOn instanceof String single) {
                graph.get(id).add(single);
            } else if (dependsOn instanceof List<?> many) {
                many.forEach(d -> graph.get(id).add((String) d));
            }
            if (events != null) {
                events.values().stream()
                        .filter(event -> "S3".equals(event.get("Type")))
                        .map(event -> (Map<String, Object>) ((Map<String, Object>) event.get("Properties")).get("Bucket"))
                        .forEach(bucket -> graph.get((String) bucket.get("Ref")).add(id));
            }
        });
        return graph;
    }

    private static void references(Object node, Set<String> ids, Set<String> into) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> {
                switch (String.valueOf(key)) {
                    case "Ref" -> addIfResource(String.valueOf(value).split("\\.")[0], ids, into);
                    case "Fn::GetAtt" -> addIfResource(value instanceof List<?> l ? String.valueOf(l.getFirst())
                            : String.valueOf(value).split("\\.")[0], ids, into);
                    case "Fn::Sub" -> {
                        String text = value instanceof List<?> l ? String.valueOf(l.getFirst()) : String.valueOf(value);
                        SUB_REFERENCE.matcher(text).results().forEach(m -> addIfResource(m.group(1), ids, into));
                        if (value instanceof List<?> l && l.size() > 1) {
                            references(l.get(1), ids, into);
                        }
                    }
                    default -> references(value, ids, into);
                }
            });
        } else if (node instanceof List<?> list) {
            list.forEach(item -> references(item, ids, into));
        }
    }

    private static void addIfResource(String name, Set<String> ids, Set<String> into) {
        if (ids.contains(name)) {
            into.add(name);
        }
    }

    /** A cycle as a path that starts and ends with the same resource, or an empty list. */
    static List<String> cycle(Map<String, Set<String>> graph) {
        var done = new HashSet<String>();
        for (String start : graph.keySet()) {
            var path = new ArrayDeque<String>();
            var found = visit(start, graph, done, path, new HashSet<>());
            if (!found.isEmpty()) {
                return found;
            }
        }
        return List.of();
    }

    private static List<String> visit(String node, Map<String, Set<String>> graph, Set<String> done, Deque<String> path,
            Set<String> onPath) {
        if (onPath.contains(node)) {
            var cycle = new ArrayList<String>();
            boolean in = false;
            for (var it = path.descendingIterator(); it.hasNext(); ) {
                String step = it.next();
                in |= step.equals(node);
                if (in) {
                    cycle.add(step);
                }
            }
            cycle.add(node);
            return cycle;
        }
        if (done.contains(node)) {
            return List.of();
        }
        path.push(node);
        onPath.add(node);
        for (String next : graph.getOrDefault(node, Set.of())) {
            var found = visit(next, graph, done, path, onPath);
            if (!found.isEmpty()) {
                return found;
            }
        }
        path.pop();
        onPath.remove(node);
        done.add(node);
        return List.of();
    }
}
