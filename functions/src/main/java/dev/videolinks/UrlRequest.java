package dev.videolinks;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** What a URL API request asks for, validated: everything that comes in is checked here (SPEC §4). */
record UrlRequest(List<String> jobIds, Duration ttl, UrlSigner.Disposition disposition) {

    static final int MAX_BATCH = dev.videolinks.store.VideoStore.MAX_BATCH;
    static final Duration MIN_TTL = Duration.ofSeconds(60);
    private static final Pattern DIGITS = Pattern.compile("\\d{1,9}");
    private static final Set<String> BATCH_FIELDS = Set.of("job_ids", "expires_in", "disposition");
    /** {@code GET /videos/{jobId}?expires_in=&disposition=} */
    static UrlRequest single(APIGatewayV2HTTPEvent event, Config config) {
        String jobId = event.getPathParameters() == null ? null : event.getPathParameters().get("jobId");
        Map<String, String> query = event.getQueryStringParameters() == null ? Map.of() : event.getQueryStringParameters();
        return new UrlRequest(List.of(jobId(jobId)), ttl(query.get("expires_in"), config),
                disposition(query.get("disposition")));
    }

    /** {@code POST /videos/urls} with {@code {"job_ids": [...], "expires_in": 900, "disposition": "inline"}}. */
    static UrlRequest batch(APIGatewayV2HTTPEvent event, Config config) {
        Object parsed = JsonBody.parse(event);
        if (!(parsed instanceof Map<?, ?> json)) {
            throw ApiError.badRequest("body must be a JSON object with job_ids");
        }
        json.keySet().forEach(name -> {
            if (!BATCH_FIELDS.contains(name)) {
                throw ApiError.badRequest("unknown field '" + ApiError.shown((String) name) + "'; expected job_ids, expires_in, disposition");
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
}
