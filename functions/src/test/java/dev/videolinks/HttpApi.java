package dev.videolinks;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Calls the URL API's handler the way the HTTP API does: the event as the JSON Lambda's own serializer writes it,
 * through the handler's stream entry point, and the answer read back as API Gateway's integration would.
 */
final class HttpApi {

    private HttpApi() {}

    static APIGatewayV2HTTPResponse call(VideoUrlHandler handler, APIGatewayV2HTTPEvent event, Context context) {
        var loader = HttpApi.class.getClassLoader();
        var request = new ByteArrayOutputStream();
        LambdaEventSerializers.serializerFor(APIGatewayV2HTTPEvent.class, loader).toJson(event, request);
        var answer = new ByteArrayOutputStream();
        try {
            handler.handleRequest(new ByteArrayInputStream(request.toByteArray()), answer, context);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return LambdaEventSerializers.serializerFor(APIGatewayV2HTTPResponse.class, loader)
                .fromJson(new ByteArrayInputStream(answer.toByteArray()));
    }
}
