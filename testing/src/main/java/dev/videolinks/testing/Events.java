package dev.videolinks.testing;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import java.io.ByteArrayInputStream;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The sample events in events/, the same files `sam local invoke -e` takes. */
public final class Events {

    public static final String BUCKET = "video-links-videos-local";

    private Events() {}

    /** An API event read the way the Lambda runtime reads it. */
    public static APIGatewayV2HTTPEvent api(String name) {
        return LambdaEventSerializers.serializerFor(APIGatewayV2HTTPEvent.class, Events.class.getClassLoader())
                .fromJson(new ByteArrayInputStream(load(name)));
    }

    public static byte[] load(String name) {
        try {
            return Files.readAllBytes(Path.of("events", name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * An S3 notification for one key, shaped like the sample in events/ (form-encoded key); a removal gets a
     * later sequencer than the creation's, as S3 numbers the events of a key.
     */
    public static byte[] s3Notification(String key, String eventName) {
        try {
            var event = (ObjectNode) TestJson.MAPPER.readTree(load("s3-object-created.json"));
            var object = (ObjectNode) event.at("/Records/0/s3/object");
            object.put("key", URLEncoder.encode(key, StandardCharsets.UTF_8).replace("%2F", "/"));
            if (eventName.startsWith("ObjectRemoved:")) {
                object.put("sequencer", "0066F2A1B3C4D5E7F0");
                object.remove("eTag");
                object.remove("size");
            }
            ((ObjectNode) event.at("/Records/0")).put("eventName", eventName);
            return TestJson.MAPPER.writeValueAsBytes(event);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
