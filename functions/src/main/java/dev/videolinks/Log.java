package dev.videolinks;

import com.fasterxml.jackson.core.JsonProcessingException;
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

    private void write(String level, String event, Object[] fields) {
        var line = new LinkedHashMap<String, Object>();
        line.put("level", level);
        line.put("event", event);
        line.putAll(context);
        for (int i = 0; i + 1 < fields.length; i += 2) {
            line.put(String.valueOf(fields[i]), fields[i + 1]);
        }
        try {
            sink.accept(Json.MAPPER.writeValueAsString(line));
        } catch (JsonProcessingException e) {
            sink.accept("{\"level\":\"" + level + "\",\"event\":\"" + event + "\",\"log_error\":\"unserializable field\"}");
        }
    }
}
