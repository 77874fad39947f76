package dev.videolinks;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The HTTP API's payload format 2.0, read and written with {@link Json}. Lambda's own event reader would do it
 * only with Joda-Time in the package, for every event type (aws-lambda-java-libs#72), and the package leaves
 * Joda-Time out; reading it here also spares a cold start that reader's reflection.
 */
final class HttpApiEvents {

    private HttpApiEvents() {}

    /** The parts of the event the URL API reads: route, headers, parameters, body and the JWT's claims. */
    static APIGatewayV2HTTPEvent read(InputStream in) throws IOException {
        Map<String, Object> event = object(Json.parse(in), "the event");
        Map<String, Object> context = object(event.get("requestContext"), "requestContext");
        Map<String, Object> authorizer = object(context.get("authorizer"), "requestContext.authorizer");
        Map<String, Object> jwt = object(authorizer.get("jwt"), "requestContext.authorizer.jwt");
        var requestContext = APIGatewayV2HTTPEvent.RequestContext.builder()
                .withRequestId(text(context.get("requestId")))
                .withRouteKey(text(context.get("routeKey")));
        if (authorizer.containsKey("jwt")) {
            requestContext.withAuthorizer(APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                    .withJwt(APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT.builder()
                            .withClaims(texts(jwt.get("claims")))
                            .build())
                    .build());
        }
        return APIGatewayV2HTTPEvent.builder()
                .withRouteKey(text(event.get("routeKey")))
                .withRawPath(text(event.get("rawPath")))
                .withRawQueryString(text(event.get("rawQueryString")))
                .withHeaders(texts(event.get("headers")))
                .withQueryStringParameters(texts(event.get("queryStringParameters")))
                .withPathParameters(texts(event.get("pathParameters")))
                .withBody(text(event.get("body")))
                .withIsBase64Encoded(Boolean.TRUE.equals(event.get("isBase64Encoded")))
                .withRequestContext(requestContext.build())
                .build();
    }

    /** The answer as API Gateway reads it: status, headers, body, and whether the body is base64. */
    static void write(APIGatewayV2HTTPResponse response, OutputStream out) throws IOException {
        var answer = new LinkedHashMap<String, Object>();
        answer.put("statusCode", response.getStatusCode());
        if (response.getHeaders() != null) {
            answer.put("headers", response.getHeaders());
        }
        if (response.getBody() != null) {
            answer.put("body", response.getBody());
        }
        answer.put("isBase64Encoded", response.getIsBase64Encoded());
        Json.write(out, answer);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object value, String what) {
        if (value == null) {
            return Map.of();
        }
        if (value instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        throw new IllegalArgumentException(what + " is not a JSON object");
    }

    private static String text(Object value) {
        return value == null ? null : String.valueOf(value);
    }

    /** A map of strings, as Lambda's reader gives it: other values as their text, a missing map as null. */
    private static Map<String, String> texts(Object value) {
        if (value == null) {
            return null;
        }
        var texts = new LinkedHashMap<String, String>();
        object(value, "a map of strings").forEach((name, v) -> texts.put(name, text(v)));
        return texts;
    }
}
