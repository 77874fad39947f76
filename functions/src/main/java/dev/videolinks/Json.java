package dev.videolinks;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The one JSON mapper of the functions and the local stack: jackson-jr with the contract's rules
 * (SPEC §3, §4) set once. Records are written with snake_case fields in declaration order, nulls included,
 * instants as ISO-8601 strings, enums by name; streams are left open for their owner. Parsing gives
 * {@code LinkedHashMap}s, lists, strings, numbers (the smallest of Integer, Long, BigInteger; Double), booleans and null.
 */
public final class Json {

    /** The handlers write their answer into the stream Lambda hands them: not theirs to close. */
    private static final JSON MAPPER = JSON.builder(JsonFactory.builder()
                    .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
                    .build())
            .enable(JSON.Feature.WRITE_NULL_PROPERTIES,
                    JSON.Feature.WRITE_RECORD_FIELDS_IN_DECLARATION_ORDER)
            // Events and answers read as "the last one wins"; request bodies go through STRICT below instead.
            .disable(JSON.Feature.FAIL_ON_DUPLICATE_MAP_KEYS)
            // Objects read as plain LinkedHashMaps, not jackson-jr's lazily built maps.
            .disable(JSON.Feature.USE_DEFERRED_MAPS)
            .register(new JsonContractRules())
            .build();

    /** Request bodies: a field named twice in one object is refused, naming the field. */
    private static final JsonFactory STRICT = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private Json() {}

    /** Malformed JSON: the input could not be read as one JSON value. */
    public static class MalformedJsonException extends IOException {
        MalformedJsonException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** An object that names the same field twice. */
    public static final class DuplicateFieldException extends MalformedJsonException {
        private final String field;

        DuplicateFieldException(String field, Throwable cause) {
            super("duplicate field '" + field + "'", cause);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    /** Something other than whitespace after the JSON value. */
    public static final class TrailingDataException extends MalformedJsonException {
        TrailingDataException(Throwable cause) {
            super("data after the JSON value", cause);
        }
    }

    /**
     * A request body: exactly one JSON value with nothing but whitespace after it, and no object naming a field
     * twice. Gives what {@link #parse(byte[])} gives.
     */
    public static Object parseStrict(String json) throws MalformedJsonException {
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
            } catch (JsonProcessingException e) {
                throw new TrailingDataException(e);
            }
            return value;
        } catch (MalformedJsonException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read JSON from memory", e);
        }
    }

    /** The first JSON value of the input (what follows it is not read); null for empty input. */
    public static Object parse(byte[] json) throws IOException {
        try (JsonParser parser = MAPPER.createParser(json)) {
            return parse(parser);
        }
    }

    public static Object parse(InputStream json) throws IOException {
        try (JsonParser parser = MAPPER.createParser(json)) {
            return parse(parser);
        }
    }

    public static Object parse(String json) throws IOException {
        try (JsonParser parser = MAPPER.createParser(json)) {
            return parse(parser);
        }
    }

    private static Object parse(JsonParser parser) throws IOException {
        try {
            return parser.nextToken() == null ? null : MAPPER.anyFrom(parser);
        } catch (JsonProcessingException e) {
            throw new MalformedJsonException(e.getOriginalMessage(), e);
        }
    }

    /**
     * The value as UTF-8 text: characters outside the BMP stay as they are (written through a String, as the
     * webhook body always was), not escaped as {@link #write(OutputStream, Object)} does.
     */
    public static byte[] write(Object value) {
        return writeString(value).getBytes(StandardCharsets.UTF_8);
    }

    public static String writeString(Object value) {
        try {
            return MAPPER.asString(value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write JSON to memory", e);
        }
    }

    /** Writes the value to the stream and flushes it; the stream stays open. */
    public static void write(OutputStream out, Object value) throws IOException {
        MAPPER.write(value, out);
    }
}
