package dev.videolinks;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * JSON on jackson-core alone (no databind in the Lambda package): records written with snake_case fields in
 * declaration order (the webhook and API contract), instants as ISO-8601 strings, enums by name; streams left
 * open for their owner. Parsing gives plain maps, lists, strings, numbers, booleans and null.
 */
final class Json {

    /** The handlers write their answer into the stream Lambda hands them: not theirs to close. */
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .disable(com.fasterxml.jackson.core.StreamWriteFeature.AUTO_CLOSE_TARGET)
            .build();

    /** Request bodies: a field named twice in one object is refused, not "the last one wins". */
    private static final JsonFactory STRICT = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private static final Map<Class<?>, Property[]> PROPERTIES = new ConcurrentHashMap<>();

    private record Property(String name, Method accessor) {}

    private Json() {}

    /** Malformed JSON: the input could not be read as one JSON value. */
    static class MalformedJsonException extends IOException {
        MalformedJsonException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** An object that names the same field twice. */
    static final class DuplicateFieldException extends MalformedJsonException {
        private final String field;

        DuplicateFieldException(String field, Throwable cause) {
            super("duplicate field '" + field + "'", cause);
            this.field = field;
        }

        String field() {
            return field;
        }
    }

    /** Something other than whitespace after the JSON value. */
    static final class TrailingDataException extends MalformedJsonException {
        TrailingDataException(Throwable cause) {
            super("data after the JSON value", cause);
        }
    }

    /**
     * A request body: exactly one JSON value with nothing but whitespace after it, and no object naming a field
     * twice. Gives what {@link #parse(byte[])} gives.
     */
    static Object parseStrict(String json) throws MalformedJsonException {
        try (JsonParser parser = STRICT.createParser(json)) {
            Object value;
            try {
                value = parse(parser);
            } catch (MalformedJsonException e) {
                // jackson-core reports STRICT_DUPLICATE_DETECTION with this message, the field being the current name
                if (e.getCause() instanceof JsonParseException cause && cause.getOriginalMessage().startsWith("Duplicate field")) {
                    throw new DuplicateFieldException(parser.currentName(), cause);
                }
                throw e;
            }
            try {
                if (parser.nextToken() != null) {
                    throw new TrailingDataException(null);
                }
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new TrailingDataException(e);
            }
            return value;
        } catch (MalformedJsonException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read JSON from memory", e);
        }
    }

    /**
     * The first JSON value of the input (what follows it is not read): a {@code LinkedHashMap<String, Object>},
     * {@code List<Object>}, String, Long (or BigInteger), Double, Boolean or null; null too for empty input.
     */
    static Object parse(byte[] json) throws IOException {
        try (JsonParser parser = FACTORY.createParser(json)) {
            return parse(parser);
        }
    }

    static Object parse(InputStream json) throws IOException {
        try (JsonParser parser = FACTORY.createParser(json)) {
            return parse(parser);
        }
    }

    private static Object parse(JsonParser parser) throws IOException {
        try {
            JsonToken token = parser.nextToken();
            return token == null ? null : value(parser, token);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new MalformedJsonException(e.getOriginalMessage(), e);
        }
    }

    private static Object value(JsonParser parser, JsonToken token) throws IOException {
        return switch (token) {
            case START_OBJECT -> {
                var map = new LinkedHashMap<String, Object>();
                for (JsonToken next = parser.nextToken(); next != JsonToken.END_OBJECT; next = parser.nextToken()) {
                    String name = parser.currentName();
                    map.put(name, value(parser, parser.nextToken()));
                }
                yield map;
            }
            case START_ARRAY -> {
                var list = new ArrayList<Object>();
                for (JsonToken next = parser.nextToken(); next != JsonToken.END_ARRAY; next = parser.nextToken()) {
                    list.add(value(parser, next));
                }
                yield list;
            }
            case VALUE_STRING -> parser.getText();
            case VALUE_NUMBER_INT -> parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                    ? parser.getBigIntegerValue() : (Object) parser.getLongValue();
            case VALUE_NUMBER_FLOAT -> parser.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw new MalformedJsonException("unexpected token " + token, null);
        };
    }

    /**
     * The value as UTF-8 text: characters outside the BMP stay as they are (written through a String, as the
     * webhook body always was), not escaped as {@link #write(OutputStream, Object)} does.
     */
    static byte[] write(Object value) {
        return writeString(value).getBytes(StandardCharsets.UTF_8);
    }

    static String writeString(Object value) {
        var out = new StringWriter();
        try (JsonGenerator generator = FACTORY.createGenerator(out)) {
            write(generator, value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write JSON to memory", e);
        }
        return out.toString();
    }

    /** Writes the value to the stream and flushes it; the stream stays open. */
    static void write(OutputStream out, Object value) throws IOException {
        try (JsonGenerator generator = FACTORY.createGenerator(out)) {
            write(generator, value);
        }
    }

    private static void write(JsonGenerator out, Object value) throws IOException {
        switch (value) {
            case null -> out.writeNull();
            case String text -> out.writeString(text);
            case Boolean bool -> out.writeBoolean(bool);
            case Integer number -> out.writeNumber(number);
            case Long number -> out.writeNumber(number);
            case Short number -> out.writeNumber(number);
            case Byte number -> out.writeNumber(number.intValue());
            case Double number -> out.writeNumber(number);
            case Float number -> out.writeNumber(number);
            case BigInteger number -> out.writeNumber(number);
            case BigDecimal number -> out.writeNumber(number);
            case Instant instant -> out.writeString(instant.toString());
            case Enum<?> constant -> out.writeString(constant.name());
            case Optional<?> optional -> write(out, optional.orElse(null));
            case Map<?, ?> map -> {
                out.writeStartObject();
                for (var entry : map.entrySet()) {
                    out.writeFieldName(String.valueOf(entry.getKey()));
                    write(out, entry.getValue());
                }
                out.writeEndObject();
            }
            case Iterable<?> items -> {
                out.writeStartArray();
                for (Object item : items) {
                    write(out, item);
                }
                out.writeEndArray();
            }
            case Object[] items -> write(out, List.of(items));
            case Record record -> {
                out.writeStartObject();
                for (Property property : PROPERTIES.computeIfAbsent(record.getClass(), Json::properties)) {
                    out.writeFieldName(property.name());
                    write(out, get(property, record));
                }
                out.writeEndObject();
            }
            default -> out.writeString(value.toString());
        }
    }

    private static Object get(Property property, Record record) {
        try {
            return property.accessor().invoke(record);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + property.name() + " of " + record.getClass().getName(), e);
        }
    }

    private static Property[] properties(Class<?> type) {
        RecordComponent[] components = type.getRecordComponents();
        var properties = new Property[components.length];
        for (int i = 0; i < components.length; i++) {
            Method accessor = components[i].getAccessor();
            accessor.setAccessible(true);
            properties[i] = new Property(snakeCase(components[i].getName()), accessor);
        }
        return properties;
    }

    /** Jackson's {@code PropertyNamingStrategies.SNAKE_CASE}, exactly: fileUrlExpiresAt to file_url_expires_at. */
    static String snakeCase(String name) {
        var result = new StringBuilder(name.length() * 2);
        boolean wasPrevTranslated = false;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (i > 0 || c != '_') {
                if (Character.isUpperCase(c)) {
                    if (!wasPrevTranslated && !result.isEmpty() && result.charAt(result.length() - 1) != '_') {
                        result.append('_');
                    }
                    c = Character.toLowerCase(c);
                    wasPrevTranslated = true;
                } else {
                    wasPrevTranslated = false;
                }
                result.append(c);
            }
        }
        return result.toString();
    }
}
