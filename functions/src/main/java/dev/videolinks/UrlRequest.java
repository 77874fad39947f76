package dev.videolinks;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** What a URL API request asks for, validated: everything that comes in is checked here (SPEC §4). */
record UrlRequest(List<String> jobIds, Duration ttl, UrlSigner.Disposition disposition) {

    static final int MAX_BATCH = VideoTable.MAX_BATCH;
    static final int MAX_BODY_BYTES = 32 * 1024;
    static final Duration MIN_TTL = Duration.ofSeconds(60);
    private static final Pattern DIGITS = Pattern.compile("\\d{1,9}");
    private static final Set<String> BATCH_FIELDS = Set.of("job_ids", "expires_in", "disposition");
    /** RFC 9110 §8.3.1: {@code type "/" subtype *( OWS ";" OWS [ name "=" ( token / quoted-string ) ] )}. */
    private static final String TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
    private static final String QUOTED = "\"(?:[\\t \\x21\\x23-\\x5B\\x5D-\\x7E\\x80-\\xFF]|\\\\[\\t \\x21-\\x7E\\x80-\\xFF])*\"";
    private static final String PARAMETER_TEXT = ";[ \\t]*(" + TOKEN + ")=(" + TOKEN + "|" + QUOTED + ")";
    private static final Pattern MEDIA_TYPE = Pattern.compile("[ \\t]*(" + TOKEN + ")/(" + TOKEN + ")"
            + "((?:[ \\t]*(?:" + PARAMETER_TEXT + "|;))*)[ \\t]*");
    private static final Pattern PARAMETER = Pattern.compile(PARAMETER_TEXT);

    /** {@code GET /videos/{jobId}?expires_in=&disposition=} */
    static UrlRequest single(APIGatewayV2HTTPEvent event, Config config) {
        String jobId = event.getPathParameters() == null ? null : event.getPathParameters().get("jobId");
        Map<String, String> query = event.getQueryStringParameters() == null ? Map.of() : event.getQueryStringParameters();
        return new UrlRequest(List.of(jobId(jobId)), ttl(query.get("expires_in"), config),
                disposition(query.get("disposition")));
    }

    /** {@code POST /videos/urls} with {@code {"job_ids": [...], "expires_in": 900, "disposition": "inline"}}. */
    static UrlRequest batch(APIGatewayV2HTTPEvent event, Config config) {
        requireJson(header(event, "content-type"));
        Object parsed;
        try {
            parsed = Json.parseStrict(body(event));
        } catch (Json.DuplicateFieldException e) {
            throw ApiError.badRequest("body names the field '" + printable(e.field()) + "' twice");
        } catch (Json.TrailingDataException e) {
            throw ApiError.badRequest("body has data after its JSON value");
        } catch (Json.MalformedJsonException e) {
            throw ApiError.badRequest("body is not valid JSON");
        }
        if (!(parsed instanceof Map<?, ?> json)) {
            throw ApiError.badRequest("body must be a JSON object with job_ids");
        }
        json.keySet().forEach(name -> {
            if (!BATCH_FIELDS.contains(name)) {
                throw ApiError.badRequest("unknown field '" + printable((String) name) + "'; expected job_ids, expires_in, disposition");
            }
        });
        if (!(json.get("job_ids") instanceof List<?> ids)) {
            throw ApiError.badRequest("job_ids must be an array of job ids");
        }
        if (ids.isEmpty() || ids.size() > MAX_BATCH) {
            throw ApiError.badRequest("job_ids must hold 1 to " + MAX_BATCH + " ids, got " + ids.size());
        }
        var unique = new LinkedHashSet<String>();
        for (Object id : ids) {
            if (!(id instanceof String text)) {
                throw ApiError.badRequest("job_ids must be strings");
            }
            if (!unique.add(jobId(text))) {
                throw ApiError.badRequest("job id '" + text + "' is repeated");
            }
        }
        return new UrlRequest(new ArrayList<>(unique), ttl(json.get("expires_in"), config),
                disposition(json.get("disposition") != null ? textField(json, "disposition") : null));
    }

    static String jobId(String value) {
        if (value == null || !VideoKeys.JOB_ID.matcher(value).matches()) {
            throw ApiError.badRequest("job id must be 1 to 128 characters of A-Z a-z 0-9 _ -");
        }
        return value;
    }

    private static Duration ttl(String value, Config config) {
        if (value == null) {
            return config.urlTtl();
        }
        if (!DIGITS.matcher(value).matches()) {
            throw ApiError.badRequest("expires_in must be a whole number of seconds");
        }
        return boundedTtl(Long.parseLong(value), config);
    }

    /** A JSON value: only an integer within long range (not 900.5, 1e12 or "900") is a number of seconds. */
    private static Duration ttl(Object value, Config config) {
        if (value == null) {
            return config.urlTtl();
        }
        if (!(value instanceof Integer || value instanceof Long)) {
            throw ApiError.badRequest("expires_in must be a whole number of seconds");
        }
        return boundedTtl(((Number) value).longValue(), config);
    }

    private static Duration boundedTtl(long seconds, Config config) {
        long max = config.urlMaxTtl().toSeconds();
        if (seconds < MIN_TTL.toSeconds() || seconds > max) {
            throw ApiError.badRequest("expires_in must be between " + MIN_TTL.toSeconds() + " and " + max + " seconds");
        }
        return Duration.ofSeconds(seconds);
    }

    private static UrlSigner.Disposition disposition(String value) {
        if (value == null) {
            return UrlSigner.Disposition.INLINE;
        }
        return switch (value) {
            case "inline" -> UrlSigner.Disposition.INLINE;
            case "attachment" -> UrlSigner.Disposition.ATTACHMENT;
            default -> throw ApiError.badRequest("disposition must be inline or attachment");
        };
    }

    private static String textField(Map<?, ?> json, String name) {
        if (!(json.get(name) instanceof String value)) {
            throw ApiError.badRequest(name + " must be a string");
        }
        return value;
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
            throw ApiError.badRequest("Content-Type '" + printable(contentType) + "' is not a media type; expected application/json");
        }
        if (!mediaType.group(1).equalsIgnoreCase("application") || !mediaType.group(2).equalsIgnoreCase("json")) {
            throw ApiError.badRequest("Content-Type must be application/json, got '"
                    + printable(mediaType.group(1) + "/" + mediaType.group(2)) + "'");
        }
        var parameter = PARAMETER.matcher(mediaType.group(3));
        while (parameter.find()) {
            String value = unquote(parameter.group(2));
            if (parameter.group(1).equalsIgnoreCase("charset") && !value.equalsIgnoreCase("utf-8")) {
                throw ApiError.badRequest("Content-Type charset must be utf-8, got '" + printable(value) + "'");
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

    private static String printable(String text) {
        String cut = text.length() > 40 ? text.substring(0, 40) + "…" : text;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
