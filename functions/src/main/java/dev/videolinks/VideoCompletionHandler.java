package dev.videolinks;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.crac.Core;

/**
 * {@code VideoCompletionFunction}: S3 notifications and EventBridge "Object Created" events in, one signed
 * webhook per completed job out. Answers a report of what it did; fails when a webhook could not be delivered,
 * so Lambda's retries and the on-failure destination take over.
 */
public final class VideoCompletionHandler implements RequestStreamHandler, SnapStartHooks {

    private final VideoCompletion completion;
    private final Config config;
    private final Clock clock;
    private final Log log;

    public VideoCompletionHandler() {
        this(Wiring.lambda());
        Core.getGlobalContext().register(this);
    }

    private VideoCompletionHandler(Wiring wiring) {
        this(wiring.completion(), wiring.config(), wiring.clock(), wiring.log());
    }

    VideoCompletionHandler(VideoCompletion completion, Config config, Clock clock, Log log) {
        this.completion = completion;
        this.config = config;
        this.clock = clock;
        this.log = log;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        Log requestLog = log.with("request_id", context.getAwsRequestId());
        Object event;
        try {
            event = Json.parse(input);
        } catch (IOException e) {
            reject(output, requestLog, "malformed JSON");
            return;
        }
        if (!(event instanceof Map)) {
            reject(output, requestLog, "event is not a JSON object");
            return;
        }
        Instant deadline = clock.instant().plusMillis(context.getRemainingTimeInMillis());
        var report = completion.process(ObjectEvent.parse(event),
                new VideoRecorder.Invocation(context.getAwsRequestId(), deadline), requestLog);
        if (!report.undelivered().isEmpty()) {
            throw new WebhookDeliveryException(report.undelivered());
        }
        Json.write(output, report);
    }

    /** An event that can never succeed: said once in the log and the answer, not retried. */
    private static void reject(OutputStream output, Log log, String reason) throws IOException {
        log.error("event.rejected", "reason", reason);
        Json.write(output, Map.of("rejected", List.of(reason)));
    }

    /** Fails the invocation so that Lambda retries it and, in the end, keeps it in the failure destination. */
    static final class WebhookDeliveryException extends RuntimeException {
        WebhookDeliveryException(List<JobDelivery.Result> undelivered) {
            super("webhook not delivered for jobs " + undelivered.stream()
                    .map(r -> r.jobId() + " (" + r.lastError() + ")").toList());
        }
    }

    @Override
    public Config config() {
        return config;
    }
}
