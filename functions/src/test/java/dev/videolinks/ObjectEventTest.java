package dev.videolinks;

import dev.videolinks.testing.TestJson;
import dev.videolinks.testing.Events;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class ObjectEventTest {

    static ObjectEvent.Batch parse(String json) throws Exception {
        return ObjectEvent.parse(Json.parse(json.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    static String notificationWithKey(String encodedKey) {
        return """
                {"Records": [{"eventName": "ObjectCreated:Put",
                  "s3": {"bucket": {"name": "b"}, "object": {"key": "%s", "eTag": "e", "sequencer": "01"}}}]}
                """.formatted(encodedKey);
    }

    @Test
    void parse_formEncodedKey_decodedExactlyOnce() throws Exception {
        var batch = parse(notificationWithKey("generated_videos/a+b%2Bc%25252B%C3%A9.mp4"));

        assertEquals("generated_videos/a b+c%252Bé.mp4", batch.objects().getFirst().key());
    }

    @Test
    void parse_everyRecord_notOnlyTheFirst() throws Exception {
        var batch = ObjectEvent.parse(Json.parse(Events.load("s3-object-created-several.json")));

        assertEquals(5, batch.objects().size());
        assertEquals("generated_videos/user_42/job_pair/take 2.webm", batch.objects().get(1).key());
    }

    @Test
    void parse_removedRecord_isADeletion() throws Exception {
        var batch = parse(notificationWithKey("k").replace("ObjectCreated:Put", "ObjectRemoved:Delete"));

        assertEquals(ObjectEvent.Kind.DELETED, batch.objects().getFirst().kind());
    }

    @Test
    void parse_deleteMarkerRecord_isADeleteMarker() throws Exception {
        var batch = parse(notificationWithKey("k").replace("ObjectCreated:Put", "ObjectRemoved:DeleteMarkerCreated"));

        assertEquals(ObjectEvent.Kind.DELETE_MARKER, batch.objects().getFirst().kind());
    }

    @Test
    void sequencer_differentLengths_compareAsS3RightPaddedHex() {
        assertTrue(ObjectEvent.sequencer("0055AED6DCD90281E5").compareTo(ObjectEvent.sequencer("0055AED6DCD90281E6")) < 0);
        assertTrue(ObjectEvent.sequencer("0055AED6DCD9028").compareTo(ObjectEvent.sequencer("0055aed6dcd90281e5")) < 0);
        assertEquals(ObjectEvent.sequencer("0055AED6DCD90281E5"), ObjectEvent.sequencer("0055aed6dcd90281e500"));
        assertEquals(null, ObjectEvent.sequencer("not-hex"));
        assertEquals(null, ObjectEvent.sequencer("0".repeat(25)));
    }

    @Test
    void parse_unversionedNullVersionId_isNoVersion() throws Exception {
        var batch = parse(notificationWithKey("k").replace("\"eTag\": \"e\"", "\"eTag\": \"e\", \"versionId\": \"null\""));

        assertEquals(null, batch.objects().getFirst().versionId());
    }

    @Test
    void parse_invalidPercentEncoding_rejectsThatRecordOnly() throws Exception {
        var node = (ObjectNode) TestJson.MAPPER.readTree(Events.load("s3-object-created-several.json"));
        ((ObjectNode) node.at("/Records/0/s3/object")).put("key", "generated_videos/bad%zz.mp4");

        var batch = ObjectEvent.parse(Json.parse(TestJson.MAPPER.writeValueAsBytes(node)));

        assertEquals(4, batch.objects().size());
        assertEquals(List.of("key is not valid URL encoding"), batch.rejected());
    }

    @Test
    void parse_eventBridgeObjectCreated_keyTakenAsIs() throws Exception {
        var batch = ObjectEvent.parse(Json.parse(Events.load("eventbridge-object-created.json")));

        var object = batch.objects().getFirst();
        assertEquals(ObjectEvent.Kind.CREATED, object.kind());
        assertEquals("video-links-videos-local", object.bucket());
        assertEquals("generated_videos/user_7/job_eventbridge/final cut+v2.mp4", object.key());
    }

    @Test
    void parse_onFailureDestinationRecord_replaysItsEvent() throws Exception {
        String record = """
                {"version": "1.0", "timestamp": "2026-11-24T10:05:00.000Z",
                 "requestContext": {"requestId": "r", "functionArn": "arn:aws:lambda:eu-north-1:123456789012:function:f:live",
                                    "condition": "RetriesExhausted", "approximateInvokeCount": 3},
                 "requestPayload": %s,
                 "responseContext": {"statusCode": 200, "executedVersion": "7", "functionError": "Unhandled"},
                 "responsePayload": {"errorMessage": "webhook not delivered", "errorType": "WebhookDeliveryException"}}
                """.formatted(new String(Events.load("s3-object-created-encoded-key.json"), java.nio.charset.StandardCharsets.UTF_8));

        var batch = parse(record);

        assertEquals("generated_videos/user_42/job_spaces/My clip + 100% ünïcødé.mp4", batch.objects().getFirst().key());
    }

    @Test
    void parse_unknownEventShape_rejected() throws Exception {
        var batch = parse("{\"detail-type\": \"Scheduled Event\", \"source\": \"aws.events\"}");

        assertTrue(batch.objects().isEmpty());
        assertEquals(List.of("not an S3 notification or S3 EventBridge event"), batch.rejected());
    }

    @Test
    void parse_unsupportedEventName_rejected() throws Exception {
        var batch = parse(notificationWithKey("k").replace("ObjectCreated:Put", "ObjectRestore:Completed"));

        assertEquals(List.of("unsupported eventName 'ObjectRestore:Completed'"), batch.rejected());
    }
}
