package dev.videolinks;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One object change, read from an S3 notification record or an EventBridge "Object Created"/"Object Deleted"
 * event. The key is decoded here, exactly once.
 */
record ObjectEvent(Kind kind, String bucket, String key, String eTag, String versionId, String sequencer) {

    enum Kind { CREATED, REMOVED }

    /** What came in: the object changes it names, and a reason for each part that could not be read. */
    record Batch(List<ObjectEvent> objects, List<String> rejected) {}

    static Batch parse(JsonNode event) {
        if (event.has("requestPayload") && event.path("requestContext").has("condition")) {
            // A record from the on-failure destination, sent back to be replayed: its event is the payload.
            return parse(event.get("requestPayload"));
        }
        if (event.has("Records")) {
            return fromS3Notification(event.get("Records"));
        }
        if ("aws.s3".equals(event.path("source").asText()) && event.has("detail")) {
            return fromEventBridge(event);
        }
        if ("s3:TestEvent".equals(event.path("Event").asText())) {
            return new Batch(List.of(), List.of());
        }
        return new Batch(List.of(), List.of("not an S3 notification or S3 EventBridge event"));
    }

    private static Batch fromS3Notification(JsonNode records) {
        var objects = new ArrayList<ObjectEvent>();
        var rejected = new ArrayList<String>();
        if (!records.isArray()) {
            return new Batch(objects, List.of("Records is not an array"));
        }
        for (JsonNode record : records) {
            String name = record.path("eventName").asText();
            Kind kind = name.startsWith("ObjectCreated:") ? Kind.CREATED
                    : name.startsWith("ObjectRemoved:") ? Kind.REMOVED : null;
            JsonNode object = record.path("s3").path("object");
            String bucket = record.path("s3").path("bucket").path("name").asText("");
            String rawKey = object.path("key").asText("");
            if (kind == null) {
                rejected.add("unsupported eventName '" + name + "'");
            } else if (bucket.isEmpty() || rawKey.isEmpty()) {
                rejected.add("record without s3.bucket.name or s3.object.key");
            } else {
                try {
                    // Notification keys are form-encoded: '+' is a space, "%2B" a plus.
                    String key = URLDecoder.decode(rawKey, StandardCharsets.UTF_8);
                    objects.add(new ObjectEvent(kind, bucket, key, text(object, "eTag"), text(object, "versionId"),
                            text(object, "sequencer")));
                } catch (IllegalArgumentException e) {
                    rejected.add("key is not valid URL encoding");
                }
            }
        }
        return new Batch(objects, rejected);
    }

    private static Batch fromEventBridge(JsonNode event) {
        String type = event.path("detail-type").asText();
        Kind kind = switch (type) {
            case "Object Created" -> Kind.CREATED;
            case "Object Deleted" -> Kind.REMOVED;
            default -> null;
        };
        JsonNode detail = event.get("detail");
        String bucket = detail.path("bucket").path("name").asText("");
        String key = detail.path("object").path("key").asText("");
        if (kind == null) {
            return new Batch(List.of(), List.of("unsupported detail-type '" + type + "'"));
        }
        if (bucket.isEmpty() || key.isEmpty()) {
            return new Batch(List.of(), List.of("event without detail.bucket.name or detail.object.key"));
        }
        // EventBridge keys are not encoded.
        JsonNode object = detail.get("object");
        return new Batch(List.of(new ObjectEvent(kind, bucket, key, text(object, "etag"), text(object, "version-id"),
                text(object, "sequencer"))), List.of());
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
