package dev.videolinks;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One object change, read from an S3 notification record or an EventBridge "Object Created"/"Object Deleted"
 * event. The key is decoded here, exactly once; the version id is null in an unversioned bucket; the sequencer
 * is in {@link #sequencer(String) comparable form}, or null.
 */
record ObjectEvent(Kind kind, String bucket, String key, String versionId, String sequencer) {

    /**
     * CREATED: a new object or version. DELETED: the object (unversioned bucket) or the version {@code versionId}
     * is gone. DELETE_MARKER: a versioned key now answers 404, its versions remain.
     */
    enum Kind {
        CREATED, DELETED, DELETE_MARKER;

        boolean isRemoval() {
            return this != CREATED;
        }
    }

    /** Width of a sequencer in comparable form: S3's are 16 to 18 hexadecimal digits. */
    static final int SEQUENCER_WIDTH = 24;

    ObjectEvent {
        versionId = versionId == null || versionId.isEmpty() || versionId.equals("null") ? null : versionId;
        sequencer = sequencer(sequencer);
    }

    /**
     * S3 orders the events of one key by their sequencers compared as hexadecimal strings right-padded with zeros
     * to the same length. Padded here to one width in upper case, they compare as plain strings, in Java and in
     * DynamoDB conditions alike. Null when absent or not a sequencer (then nothing is ordered by it).
     */
    static String sequencer(String raw) {
        if (raw == null || raw.isEmpty() || raw.length() > SEQUENCER_WIDTH || !raw.chars().allMatch(ObjectEvent::isHex)) {
            return null;
        }
        return (raw.toUpperCase(java.util.Locale.ROOT) + "0".repeat(SEQUENCER_WIDTH)).substring(0, SEQUENCER_WIDTH);
    }

    /** True when {@code recorded} is a later sequencer than {@code incoming} (both in comparable form). */
    static boolean isLater(String recorded, String incoming) {
        return recorded != null && incoming != null && recorded.compareTo(incoming) > 0;
    }

    private static boolean isHex(int c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    /** What came in: the object changes it names, and a reason for each part that could not be read. */
    record Batch(List<ObjectEvent> objects, List<String> rejected) {}

    /** The event as {@link Json#parse} reads it. */
    static Batch parse(Object event) {
        if (has(event, "requestPayload") && has(path(event, "requestContext"), "condition")) {
            // A record from the on-failure destination, sent back to be replayed: its event is the payload.
            return parse(path(event, "requestPayload"));
        }
        if (has(event, "Records")) {
            return fromS3Notification(path(event, "Records"));
        }
        if ("aws.s3".equals(asText(path(event, "source"))) && has(event, "detail")) {
            return fromEventBridge(event);
        }
        if ("s3:TestEvent".equals(asText(path(event, "Event")))) {
            return new Batch(List.of(), List.of());
        }
        return new Batch(List.of(), List.of("not an S3 notification or S3 EventBridge event"));
    }

    private static Batch fromS3Notification(Object records) {
        var objects = new ArrayList<ObjectEvent>();
        var rejected = new ArrayList<String>();
        if (!(records instanceof List<?> list)) {
            return new Batch(objects, List.of("Records is not an array"));
        }
        for (Object record : list) {
            String name = asText(path(record, "eventName"));
            Kind kind = name.startsWith("ObjectCreated:") ? Kind.CREATED
                    : name.equals("ObjectRemoved:DeleteMarkerCreated") ? Kind.DELETE_MARKER
                    : name.startsWith("ObjectRemoved:") ? Kind.DELETED : null;
            Object object = path(path(record, "s3"), "object");
            String bucket = asText(path(path(path(record, "s3"), "bucket"), "name"), "");
            String rawKey = asText(path(object, "key"), "");
            if (kind == null) {
                rejected.add("unsupported eventName '" + name + "'");
            } else if (bucket.isEmpty() || rawKey.isEmpty()) {
                rejected.add("record without s3.bucket.name or s3.object.key");
            } else {
                try {
                    // Notification keys are form-encoded: '+' is a space, "%2B" a plus.
                    String key = URLDecoder.decode(rawKey, StandardCharsets.UTF_8);
                    objects.add(new ObjectEvent(kind, bucket, key, text(object, "versionId"),
                            text(object, "sequencer")));
                } catch (IllegalArgumentException e) {
                    rejected.add("key is not valid URL encoding");
                }
            }
        }
        return new Batch(objects, rejected);
    }

    private static Batch fromEventBridge(Object event) {
        String type = asText(path(event, "detail-type"));
        Object detail = path(event, "detail");
        Kind kind = switch (type) {
            case "Object Created" -> Kind.CREATED;
            case "Object Deleted" -> "Delete Marker Created".equals(asText(path(detail, "deletion-type")))
                    ? Kind.DELETE_MARKER : Kind.DELETED;
            default -> null;
        };
        String bucket = asText(path(path(detail, "bucket"), "name"), "");
        String key = asText(path(path(detail, "object"), "key"), "");
        if (kind == null) {
            return new Batch(List.of(), List.of("unsupported detail-type '" + type + "'"));
        }
        if (bucket.isEmpty() || key.isEmpty()) {
            return new Batch(List.of(), List.of("event without detail.bucket.name or detail.object.key"));
        }
        // EventBridge keys are not encoded.
        Object object = path(detail, "object");
        return new Batch(List.of(new ObjectEvent(kind, bucket, key, text(object, "version-id"),
                text(object, "sequencer"))), List.of());
    }

    private static String text(Object node, String field) {
        Object value = path(node, field);
        return value == null || value == MISSING ? null : asText(value);
    }

    // Navigation as Jackson's tree had it: a missing field differs from a null one ("null" as text).

    private static final Object MISSING = new Object();

    private static boolean has(Object node, String field) {
        return node instanceof Map<?, ?> map && map.containsKey(field);
    }

    /** The field's value (null for JSON null), or MISSING when the node is no object or has no such field. */
    private static Object path(Object node, String field) {
        return has(node, field) ? ((Map<?, ?>) node).get(field) : MISSING;
    }

    private static String asText(Object node) {
        if (node == MISSING || node instanceof Map || node instanceof List) {
            return "";
        }
        return String.valueOf(node);
    }

    private static String asText(Object node, String missingOrNull) {
        return node == MISSING || node == null ? missingOrNull : asText(node);
    }
}
