package dev.videolinks;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The sample events in events/, the same files `sam local invoke -e` takes. */
final class Events {

    static final String BUCKET = "video-links-videos-local";

    private Events() {}

    /** An API event read the way the Lambda runtime reads it. */
    static APIGatewayV2HTTPEvent api(String name) {
        return LambdaEventSerializers.serializerFor(APIGatewayV2HTTPEvent.class, Events.class.getClassLoader())
                .fromJson(new ByteArrayInputStream(load(name)));
    }

    static byte[] load(String name) {
        try {
            return Files.readAllBytes(Path.of("events", name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
