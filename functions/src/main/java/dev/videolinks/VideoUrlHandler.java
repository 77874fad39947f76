package dev.videolinks;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.crac.Core;

/**
 * {@code VideoUrlFunction}: {@code GET /videos/{jobId}} and {@code POST /videos/urls} behind an HTTP API
 * (payload format 2.0), fresh presigned URLs for the caller's own jobs. The event is read and the answer
 * written by {@link HttpApiEvents}, not by Lambda's event reader.
 */
public final class VideoUrlHandler implements RequestStreamHandler, SnapStartHooks {

    static final String GET_JOB = "GET /videos/{jobId}";
    static final String BATCH = "POST /videos/urls";

    private final Config config;
    private final Config.Api api;
    private final VideoUrls urls;
    private final Log log;

    public VideoUrlHandler() {
        this(Wiring.lambda());
        Core.getGlobalContext().register(this);
    }

    private VideoUrlHandler(Wiring wiring) {
        this(wiring.urls(), wiring.config(), wiring.api(), wiring.log());
    }

    VideoUrlHandler(VideoUrls urls, Config config, Config.Api api, Log log) {
        this.urls = urls;
        this.config = config;
        this.api = api;
        this.log = log;
    }

    @Override
    public void handleRequest(InputStream event, OutputStream answer, Context context) throws IOException {
        HttpApiEvents.write(handle(HttpApiEvents.read(event), context), answer);
    }

    /** One request of the HTTP API, answered. */
    APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent event, Context context) {
        Log requestLog = log.with("request_id", context.getAwsRequestId()).with("route", event.getRouteKey());
        try {
            VideoUrls.Caller caller = caller(event);
            return switch (String.valueOf(event.getRouteKey())) {
                case GET_JOB -> {
                    var job = urls.one(caller, UrlRequest.single(event, config));
                    String body = ResponseLimit.single(job.jobId(), Json.writeString(job));
                    requestLog.info("api.answered", "status", 200, "job_id", job.jobId(), "videos", job.videos().size(),
                            "bytes", ResponseLimit.bytes(body));
                    yield json(200, body, urls.maxAge(List.of(job)));
                }
                case BATCH -> {
                    var page = urls.many(caller, UrlRequest.batch(event, config));
                    var batch = page.view();
                    String body = page.body();
                    requestLog.info("api.answered", "status", 200, "jobs", batch.jobs().size(), "not_found",
                            batch.notFound().size(), "unprocessed", batch.unprocessed().size(), "bytes", ResponseLimit.bytes(body));
                    yield json(200, body, urls.maxAge(batch.jobs().values()));
                }
                default -> throw ApiError.notFound("no route " + event.getRouteKey());
            };
        } catch (ApiError e) {
            requestLog.info("api.refused", "status", e.status(), "code", e.code(), "reason", e.getMessage());
            return error(e.status(), e.code(), e.getMessage());
        } catch (RuntimeException e) {
            requestLog.error("api.failed", "status", 500, "error", e.getClass().getName(), "message", e.getMessage(),
                    "stack_trace", stackTrace(e));
            return error(500, "internal", "internal error; request id " + context.getAwsRequestId());
        }
    }

    /** The JDK's own rendering of the trace (causes, suppressed, "... n more"), one line per entry, for the log line. */
    private static List<String> stackTrace(Throwable e) {
        var trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        return trace.toString().lines().toList();
    }

    /** The owner claim from the JWT authorizer, or a trusted backend in IAM mode. */
    private VideoUrls.Caller caller(APIGatewayV2HTTPEvent event) {
        if (api.authMode() == Config.Api.AuthMode.IAM) {
            return VideoUrls.Caller.trustedBackend();
        }
        var authorizer = event.getRequestContext() == null ? null : event.getRequestContext().getAuthorizer();
        var jwt = authorizer == null ? null : authorizer.getJwt();
        String owner = jwt == null || jwt.getClaims() == null ? null : jwt.getClaims().get(api.ownerClaim());
        if (owner == null || owner.isBlank()) {
            throw ApiError.unauthorized("no identity: a JWT with the '" + api.ownerClaim() + "' claim is required");
        }
        return VideoUrls.Caller.user(owner);
    }

    private static APIGatewayV2HTTPResponse json(int status, String body, long maxAgeSeconds) {
        return response(status, body, "private, max-age=" + maxAgeSeconds);
    }

    private static APIGatewayV2HTTPResponse error(int status, String code, String message) {
        var error = new LinkedHashMap<String, String>();
        error.put("code", code);
        error.put("message", message);
        return response(status, Json.writeString(Map.of("error", error)), "no-store");
    }

    private static APIGatewayV2HTTPResponse response(int status, String body, String cacheControl) {
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(status)
                .withHeaders(Map.of("Content-Type", "application/json", "Cache-Control", cacheControl))
                .withBody(body)
                .withIsBase64Encoded(false)
                .build();
    }

    @Override
    public Config config() {
        return config;
    }
}
