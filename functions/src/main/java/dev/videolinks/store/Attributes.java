package dev.videolinks.store;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Reading and writing DynamoDB attribute values, and their size as DynamoDB counts it against the 400 KB item limit. */
public final class Attributes {

    /** DynamoDB's item size limit. */
    public static final int MAX_ITEM_BYTES = 400 * 1024;

    private Attributes() {}

    static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    static AttributeValue bool(boolean value) {
        return AttributeValue.fromBool(value);
    }

    static String text(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
    }

    static long number(Map<String, AttributeValue> item, String name, long fallback) {
        AttributeValue value = item.get(name);
        return value == null || value.n() == null ? fallback : Long.parseLong(value.n());
    }

    static Instant epoch(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null || value.n() == null ? null : Instant.ofEpochSecond(Long.parseLong(value.n()));
    }

    /** The size of an item: each attribute's name plus its value (DynamoDB's "Item sizes and formats"). */
    public static int size(Map<String, AttributeValue> item) {
        int size = 0;
        for (var attribute : item.entrySet()) {
            size += utf8(attribute.getKey()) + size(attribute.getValue());
        }
        return size;
    }

    /**
     * A value's size: strings and binaries their bytes, numbers one byte per two significant digits plus one
     * (counted here on all digits, never less), null and booleans one byte, lists and maps three bytes plus one
     * per element plus the elements (and, in a map, their names).
     */
    public static int size(AttributeValue value) {
        return switch (value.type()) {
            case S -> utf8(value.s());
            case N -> (value.n().length() + 1) / 2 + 1;
            case B -> value.b().asByteArrayUnsafe().length;
            case BOOL, NUL -> 1;
            case M -> 3 + value.m().entrySet().stream().mapToInt(e -> 1 + utf8(e.getKey()) + size(e.getValue())).sum();
            case L -> 3 + value.l().stream().mapToInt(e -> 1 + size(e)).sum();
            case SS -> value.ss().stream().mapToInt(Attributes::utf8).sum();
            case NS -> value.ns().stream().mapToInt(n -> (n.length() + 1) / 2 + 1).sum();
            case BS -> value.bs().stream().mapToInt(b -> b.asByteArrayUnsafe().length).sum();
            case UNKNOWN_TO_SDK_VERSION -> throw new IllegalArgumentException("unknown attribute type");
        };
    }

    private static int utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }
}
