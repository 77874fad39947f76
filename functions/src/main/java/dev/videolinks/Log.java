package dev.videolinks;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One JSON object per line, one line per outcome. Fields are given as name/value pairs; a context (the request
 * id) is carried by {@link #with}. Never give it a presigned URL or a secret.
 */
final class Log {

    private final Consumer<String> sink;
    private final Map<String, Object> context;

    private Log(Consumer<String> sink, Map<String, Object> context) {
        this.sink = sink;
        this.context = context;
    }

    static Log to(Consumer<String> sink) {
        return new Log(sink, Map.of());
    }

    static Log stdout() {
        PrintStream out = System.out;
        return to(out::println);
    }

    Log with(String name, Object value) {
        var merged = new LinkedHashMap<>(context);
        merged.put(name, value);
        return new Log(sink, merged);
    }

    void info(String event, Object... fields) {
        write("INFO", event, fields);
    }

    void warn(String event, Object... fields) {
        write("WARN", event, fields);
    }

    void error(String event, Object... fields) {
        write("ERROR", event, fields);
    }

    /**
     * A CloudWatch metric in the embedded metric format: one line that CloudWatch turns into a data point of
     * {@code name} in the VideoLinks namespace (an alarm watches it), with the fields kept as log context.
     */
    void metric(String name, long value, Object... fields) {
        var line = new LinkedHashMap<String, Object>();
        line.put("_aws", Map.of("Timestamp", System.currentTimeMillis(), "CloudWatchMetrics", java.util.List.of(Map.of(
                "Namespace", METRIC_NAMESPACE, "Dimensions", java.util.List.of(java.util.List.of()),
                "Metrics", java.util.List.of(Map.of("Name", name, "Unit", "Count"))))));
        line.put(name, value);
        line.put("level", "INFO");
        line.put("event", "metric");
        line.putAll(context);
        for (int i = 0; i + 1 < fields.length; i += 2) {
            line.put(String.valueOf(fields[i]), fields[i + 1]);
        }
        emit(line, "metric");
    }

    static final String METRIC_NAMESPACE = "VideoLinks";

    /** Fields whose value is null are left out: a line says what is known. */
    private void write(String level, String event, Object[] fields) {
        var line = new LinkedHashMap<String, Object>();
        line.put("level", level);
        line.put("event", event);
        line.putAll(context);
        for (int i = 0; i + 1 < fields.length; i += 2) {
            if (fields[i + 1] != null) {
                line.put(String.valueOf(fields[i]), fields[i + 1]);
            }
        }
        emit(line, event);
    }

    private void emit(Map<String, Object> line, String event) {
        try {
            sink.accept(Json.writeString(line));
        } catch (RuntimeException e) {
            sink.accept("{\"level\":\"ERROR\",\"event\":\"" + event + "\",\"log_error\":\"unserializable field\"}");
        }
    }
}
