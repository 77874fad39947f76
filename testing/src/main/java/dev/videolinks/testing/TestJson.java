package dev.videolinks.testing;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.time.Instant;

/**
 * jackson-databind for test code only (the functions and the local stack use the functions' {@code Json}, on
 * jackson-jr): its tree model is what test assertions and the benchmark harness navigate ({@code at("/data/videos/0")},
 * typed accessors) and edit sample events with, and, configured with the contract's rules (snake_case, instants as
 * ISO-8601 strings, streams left open), it is the independent reference {@code JsonTest} checks {@code Json}'s
 * output against, to the character.
 */
public final class TestJson {

    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
            .addModule(new SimpleModule().addSerializer(Instant.class, ToStringSerializer.instance))
            .build();

    private TestJson() {}
}
