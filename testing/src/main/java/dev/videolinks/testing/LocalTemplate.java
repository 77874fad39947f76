package dev.videolinks.testing;

import dev.videolinks.testing.Events;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * template.yaml read the way the local stack needs it: each function's handler, its environment with the
 * intrinsic functions evaluated for local values, its S3 triggers and schedules, and the HTTP API's routes.
 */
public final class LocalTemplate {

    public static final String STACK_NAME = "video-links";
    public static final String ACCOUNT_ID = "local";

    public record Function(String logicalId, String handler, List<S3Trigger> s3Triggers, List<String> schedules) {}

    /** One S3 event of a function: the event types it takes and its key filter. */
    public record S3Trigger(List<String> events, String prefix, String suffix) {
        public boolean matches(String eventName, String key) {
            boolean type = events.stream().anyMatch(pattern -> pattern.endsWith(":*")
                    ? ("s3:" + eventName).startsWith(pattern.substring(0, pattern.length() - 1))
                    : pattern.equals("s3:" + eventName));
            return type && key.startsWith(prefix) && key.endsWith(suffix);
        }
    }

    /** The HTTP API's CORS settings (its {@code x-amazon-apigateway-cors}), as API Gateway applies them. */
    public record Cors(List<String> origins, List<String> methods, List<String> headers, int maxAgeSeconds) {
        public boolean allows(String origin) {
            return origin != null && (origins.contains(origin) || origins.contains("*"));
        }
    }

    /** A route of the HTTP API: {@code GET /videos/{jobId}} to a function. */
    public record Route(String method, String path, String functionId) {
        public String routeKey() {
            return method + " " + path;
        }
    }

    private static final Object NO_VALUE = new Object();
    private static final Pattern SUB = Pattern.compile("\\$\\{([^}]+)}");

    private final Template template;
    private final Map<String, Object> parameters = new HashMap<>();
    private final String region;

    public LocalTemplate(Template template, Map<String, String> parameterOverrides, String region) {
        this.template = template;
        this.region = region;
        template.section("Parameters").forEach((name, definition) -> {
            Object fallback = ((Map<?, ?>) definition).get("Default");
            boolean list = "CommaDelimitedList".equals(((Map<?, ?>) definition).get("Type"));
            String value = parameterOverrides.getOrDefault(name, fallback == null ? null : String.valueOf(fallback));
            parameters.put(name, value == null ? null : list ? commaDelimitedList(value) : value);
        });
    }

    public static LocalTemplate load(Map<String, String> parameterOverrides, String region) {
        return new LocalTemplate(Template.load(), parameterOverrides, region);
    }

    /** A parameter's value; a CommaDelimitedList's items joined with commas, as they were given. */
    public String parameter(String name) {
        Object value = parameters.get(name);
        return value instanceof List<?> list ? String.join(",", list.stream().map(String::valueOf).toList()) : String.valueOf(value);
    }

    /** "a, b,c" as CloudFormation's CommaDelimitedList items, blanks around each item dropped. */
    public static List<String> commaDelimitedList(String value) {
        return java.util.Arrays.stream(value.split(",", -1)).map(String::strip).toList();
    }

    public List<Function> functions() {
        var functions = new ArrayList<Function>();
        template.resources().forEach((id, resource) -> {
            if (!"AWS::Serverless::Function".equals(resource.get("Type"))) {
                return;
            }
            var properties = template.resourceProperties(id);
            var triggers = new ArrayList<S3Trigger>();
            var schedules = new ArrayList<String>();
            map(properties.get("Events")).values().forEach(event -> {
                var eventProperties = map(map(event).get("Properties"));
                switch (String.valueOf(map(event).get("Type"))) {
                    case "S3" -> triggers.add(s3Trigger(eventProperties));
                    case "Schedule", "ScheduleV2" -> schedules.add(String.valueOf(resolve(
                            eventProperties.getOrDefault("Schedule", eventProperties.get("ScheduleExpression")))));
                    default -> { }
                }
            });
            functions.add(new Function(id, String.valueOf(properties.get("Handler")), triggers, schedules));
        });
        return functions;
    }

    public Function function(String logicalId) {
        return functions().stream().filter(f -> f.logicalId().equals(logicalId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("template.yaml has no function " + logicalId
                        + "; it has " + functions().stream().map(Function::logicalId).toList()));
    }

    /** The function's variables as the template sets them (Globals, then its own), intrinsics evaluated. */
    public Map<String, String> environment(String logicalId) {
        var variables = new LinkedHashMap<String, Object>();
        variables.putAll(map(map(template.section("Globals", "Function").get("Environment")).get("Variables")));
        variables.putAll(map(map(template.resourceProperties(logicalId).get("Environment")).get("Variables")));
        var environment = new LinkedHashMap<String, String>();
        variables.forEach((name, value) -> {
            Object resolved = resolve(value);
            if (resolved != NO_VALUE && resolved != null) {
                environment.put(name, String.valueOf(resolved));
            }
        });
        return environment;
    }

    /** The bucket the template creates, as named locally. */
    public String bucketName() {
        return String.valueOf(resolve(template.resourceProperties("VideoBucket").get("BucketName")));
    }

    public String tableName() {
        return String.valueOf(resolve(Map.of("Ref", "VideoTable")));
    }

    public Map<String, Object> tableProperties() {
        return template.resourceProperties("VideoTable");
    }

    /** Routes of every HTTP API in the template, from its OpenAPI body. */
    public List<Route> routes() {
        var routes = new ArrayList<Route>();
        template.resources().forEach((id, resource) -> {
            if (!"AWS::Serverless::HttpApi".equals(resource.get("Type"))) {
                return;
            }
            var body = map(template.resourceProperties(id).get("DefinitionBody"));
            map(body.get("paths")).forEach((path, operations) -> map(operations).forEach((method, operation) -> {
                String uri = String.valueOf(map(map(operation).get("x-amazon-apigateway-integration")).get("uri"));
                Matcher target = Pattern.compile("\\$\\{([A-Za-z0-9]+)\\.(Alias|Arn)}").matcher(uri);
                if (target.find()) {
                    routes.add(new Route(method.toUpperCase(), path, target.group(1)));
                }
            }));
        });
        return routes;
    }

    /** The CORS settings of the template's HTTP API for these parameters, or null when it has none. */
    public Cors cors() {
        for (var entry : template.resources().entrySet()) {
            if (!"AWS::Serverless::HttpApi".equals(entry.getValue().get("Type"))) {
                continue;
            }
            Object cors = resolveAll(map(template.resourceProperties(entry.getKey()).get("DefinitionBody")).get("x-amazon-apigateway-cors"));
            if (cors instanceof Map<?, ?> settings) {
                return new Cors(strings(settings.get("allowOrigins")), strings(settings.get("allowMethods")),
                        strings(settings.get("allowHeaders")), settings.get("maxAge") instanceof Number n ? n.intValue() : 0);
            }
        }
        return null;
    }

    private static List<String> strings(Object value) {
        return value instanceof List<?> list ? list.stream().map(String::valueOf).filter(s -> !s.isEmpty()).toList() : List.of();
    }

    private S3Trigger s3Trigger(Map<String, Object> properties) {
        Object events = properties.get("Events");
        List<String> types = events instanceof List<?> list ? list.stream().map(String::valueOf).toList()
                : List.of(String.valueOf(events));
        String prefix = "";
        String suffix = "";
        Object rules = map(map(properties.get("Filter")).get("S3Key")).get("Rules");
        if (rules instanceof List<?> list) {
            for (Object rule : list) {
                String value = String.valueOf(resolve(map(rule).get("Value")));
                if ("prefix".equalsIgnoreCase(String.valueOf(map(rule).get("Name")))) {
                    prefix = value;
                } else {
                    suffix = value;
                }
            }
        }
        return new S3Trigger(types, prefix, suffix);
    }

    /** CloudFormation's intrinsic functions, evaluated with local values. */
    public Object resolve(Object node) {
        if (node instanceof Map<?, ?> map && map.size() == 1) {
            var entry = map.entrySet().iterator().next();
            Object argument = entry.getValue();
            switch (String.valueOf(entry.getKey())) {
                case "Ref" -> {
                    return ref(String.valueOf(argument));
                }
                case "Fn::Sub" -> {
                    return sub(argument);
                }
                case "Fn::If" -> {
                    var branches = (List<?>) argument;
                    return resolve(condition(String.valueOf(branches.get(0))) ? branches.get(1) : branches.get(2));
                }
                case "Fn::Join" -> {
                    var parts = (List<?>) argument;
                    Object values = resolve(parts.get(1));
                    return String.join(String.valueOf(parts.get(0)),
                            ((List<?>) values).stream().map(this::resolve).map(String::valueOf).toList());
                }
                case "Fn::GetAtt" -> {
                    var path = (List<?>) argument;
                    return "arn:aws:local:" + region + ":" + ACCOUNT_ID + ":" + path.get(0) + "/" + path.get(1);
                }
                case "Condition" -> {
                    return condition(String.valueOf(argument));
                }
                case "Fn::Equals" -> {
                    var pair = (List<?>) argument;
                    return Objects.equals(String.valueOf(resolve(pair.get(0))), String.valueOf(resolve(pair.get(1))));
                }
                case "Fn::Not" -> {
                    return !(Boolean) resolve(((List<?>) argument).getFirst());
                }
                case "Fn::And" -> {
                    return ((List<?>) argument).stream().allMatch(term -> (Boolean) resolve(term));
                }
                case "Fn::Or" -> {
                    return ((List<?>) argument).stream().anyMatch(term -> (Boolean) resolve(term));
                }
                default -> {
                    return node;
                }
            }
        }
        if (node instanceof List<?> list) {
            return list.stream().map(this::resolve).toList();
        }
        return node;
    }

    /**
     * {@link #resolve} throughout a node, as CloudFormation deploys it: intrinsics anywhere in maps and lists are
     * evaluated, and a value or list item that resolves to {@code AWS::NoValue} is left out.
     */
    public Object resolveAll(Object node) {
        if (node instanceof Map<?, ?> map && map.size() == 1 && isIntrinsic(String.valueOf(map.keySet().iterator().next()))) {
            Object resolved = resolve(node);
            return resolved == node ? node : resolveAll(resolved);
        }
        if (node instanceof Map<?, ?> map) {
            var out = new LinkedHashMap<String, Object>();
            map.forEach((key, value) -> {
                Object resolved = resolveAll(value);
                if (resolved != NO_VALUE) {
                    out.put(String.valueOf(key), resolved);
                }
            });
            return out;
        }
        if (node instanceof List<?> list) {
            return list.stream().map(this::resolveAll).filter(item -> item != NO_VALUE).toList();
        }
        return node;
    }

    /** Whether a resource is created with these parameters (it has no Condition, or its Condition holds). */
    public boolean isCreated(String logicalId) {
        Object condition = template.resources().get(logicalId).get("Condition");
        return condition == null || condition(String.valueOf(condition));
    }

    private static boolean isIntrinsic(String key) {
        return key.equals("Ref") || key.equals("Condition") || key.startsWith("Fn::");
    }

    private boolean condition(String name) {
        return (Boolean) resolve(template.section("Conditions").get(name));
    }

    private Object ref(String name) {
        switch (name) {
            case "AWS::StackName" -> { return STACK_NAME; }
            case "AWS::AccountId" -> { return ACCOUNT_ID; }
            case "AWS::Region" -> { return region; }
            case "AWS::Partition" -> { return "aws"; }
            case "AWS::URLSuffix" -> { return "amazonaws.com"; }
            case "AWS::NoValue" -> { return NO_VALUE; }
            default -> { }
        }
        if (parameters.containsKey(name)) {
            return parameters.get(name);
        }
        var resource = template.resources().get(name.split("\\.")[0]);
        if (resource != null && "AWS::S3::Bucket".equals(resource.get("Type"))) {
            return bucketName();
        }
        if (resource != null && "AWS::DynamoDB::Table".equals(resource.get("Type"))) {
            return STACK_NAME + "-" + name;
        }
        return name;
    }

    private Object sub(Object argument) {
        String text;
        Map<String, Object> variables = Map.of();
        if (argument instanceof List<?> list) {
            text = String.valueOf(list.get(0));
            variables = map(list.get(1));
        } else {
            text = String.valueOf(argument);
        }
        Map<String, Object> local = variables;
        Matcher matcher = SUB.matcher(text);
        var out = new StringBuilder();
        while (matcher.find()) {
            String name = matcher.group(1);
            Object value = local.containsKey(name) ? resolve(local.get(name)) : ref(name);
            matcher.appendReplacement(out, Matcher.quoteReplacement(String.valueOf(value)));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object node) {
        return node instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }
}
