package dev.videolinks;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * The JSON body of an API request, read as HTTP says: its Content-Type, its size before and after base64, its
 * encoding, then one strict parse. {@link UrlRequest} checks what the value asks for.
 */
final class JsonBody {

    static final int MAX_BODY_BYTES = 32 * 1024;
    /** RFC 9110 §8.3.1: {@code type "/" subtype *( OWS ";" OWS [ name "=" ( token / quoted-string ) ] )}. */
    private static final String TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
    private static final String QUOTED = "\"(?:[\\t \\x21\\x23-\\x5B\\x5D-\\x7E\\x80-\\xFF]|\\\\[\\t \\x21-\\x7E\\x80-\\xFF])*\"";
    private static final String PARAMETER_TEXT = ";[ \\t]*(" + TOKEN + ")=(" + TOKEN + "|" + QUOTED + ")";
    private static final Pattern MEDIA_TYPE = Pattern.compile("[ \\t]*(" + TOKEN + ")/(" + TOKEN + ")"
            + "((?:[ \\t]*(?:" + PARAMETER_TEXT + "|;))*)[ \\t]*");
    private static final Pattern PARAMETER = Pattern.compile(PARAMETER_TEXT);

    private JsonBody() {}

    /** The body's JSON value; anything unreadable is a 400 (or a 413) that says why. */
    static Object parse(APIGatewayV2HTTPEvent event) {
        requireJson(header(event, "content-type"));
        try {
            return Json.parseStrict(body(event));
        } catch (Json.DuplicateFieldException e) {
            throw ApiError.badRequest("body names the field '" + ApiError.shown(e.field()) + "' twice");
        } catch (Json.TrailingDataException e) {
            throw ApiError.badRequest("body has data after its JSON value");
        } catch (Json.MalformedJsonException e) {
            throw ApiError.badRequest("body is not valid JSON");
        }
    }

    /**
     * {@code application/json}, type and subtype in any case, with no charset but UTF-8 (RFC 8259 §8.1: JSON between
     * systems is UTF-8); a body in any other charset would be misread, so it is refused rather than guessed.
     */
    private static void requireJson(String contentType) {
        if (contentType == null) {
            throw ApiError.badRequest("Content-Type must be application/json, got none");
        }
        var mediaType = MEDIA_TYPE.matcher(contentType);
        if (!mediaType.matches()) {
            throw ApiError.badRequest("Content-Type '" + ApiError.shown(contentType) + "' is not a media type; expected application/json");
        }
        if (!mediaType.group(1).equalsIgnoreCase("application") || !mediaType.group(2).equalsIgnoreCase("json")) {
            throw ApiError.badRequest("Content-Type must be application/json, got '"
                    + ApiError.shown(mediaType.group(1) + "/" + mediaType.group(2)) + "'");
        }
        var parameter = PARAMETER.matcher(mediaType.group(3));
        while (parameter.find()) {
            String value = unquote(parameter.group(2));
            if (parameter.group(1).equalsIgnoreCase("charset") && !value.equalsIgnoreCase("utf-8")) {
                throw ApiError.badRequest("Content-Type charset must be utf-8, got '" + ApiError.shown(value) + "'");
            }
        }
    }

    /** RFC 9110 §5.6.4: a quoted-string's value, without its quotes and backslash escapes. */
    private static String unquote(String value) {
        return value.startsWith("\"") ? value.substring(1, value.length() - 1).replaceAll("\\\\(.)", "$1") : value;
    }

    /** The body as text: API Gateway gives it as a string, or base64 of its bytes, which must then be UTF-8. */
    private static String body(APIGatewayV2HTTPEvent event) {
        String body = event.getBody();
        if (body == null || body.isEmpty()) {
            throw ApiError.badRequest("body is empty; expected {\"job_ids\": [...]}");
        }
        // Checked before decoding too, so a huge body costs nothing.
        if (body.length() > MAX_BODY_BYTES * 4 / 3 + 4) {
            throw ApiError.payloadTooLarge("body is larger than " + MAX_BODY_BYTES + " bytes");
        }
        byte[] bytes;
        try {
            bytes = event.getIsBase64Encoded() ? Base64.getDecoder().decode(body) : body.getBytes(StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("body is not valid base64");
        }
        if (bytes.length > MAX_BODY_BYTES) {
            throw ApiError.payloadTooLarge("body is larger than " + MAX_BODY_BYTES + " bytes");
        }
        String text;
        try {
            text = event.getIsBase64Encoded() ? StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString() : body;
        } catch (CharacterCodingException e) {
            throw ApiError.badRequest("body is not valid UTF-8");
        }
        // RFC 8259 §8.1: a parser may ignore a byte order mark, and some clients still send one.
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    static String header(APIGatewayV2HTTPEvent event, String name) {
        if (event.getHeaders() == null) {
            return null;
        }
        for (var header : event.getHeaders().entrySet()) {
            if (header.getKey().equalsIgnoreCase(name)) {
                return header.getValue();
            }
        }
        return null;
    }
}
