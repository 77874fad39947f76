package dev.videolinks;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Instant;
import org.crac.Core;

/**
 * {@code WebhookRedeliveryFunction}, run on a schedule: sends the deliveries that are due again, until they are
 * delivered or given up ({@link Redelivery}), and answers what the run did.
 */
public final class WebhookRedeliveryHandler implements RequestStreamHandler, SnapStartHooks {

    private final Redelivery redelivery;
    private final Config config;
    private final Clock clock;
    private final Log log;

    public WebhookRedeliveryHandler() {
        this(Wiring.lambda());
        Core.getGlobalContext().register(this);
    }

    private WebhookRedeliveryHandler(Wiring wiring) {
        this(wiring.redelivery(), wiring.config(), wiring.clock(), wiring.log());
    }

    WebhookRedeliveryHandler(Redelivery redelivery, Config config, Clock clock, Log log) {
        this.redelivery = redelivery;
        this.config = config;
        this.clock = clock;
        this.log = log;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        input.transferTo(OutputStream.nullOutputStream());
        Instant deadline = clock.instant().plusMillis(context.getRemainingTimeInMillis());
        Json.write(output, redelivery.run(new VideoRecorder.Invocation(context.getAwsRequestId(), deadline),
                log.with("request_id", context.getAwsRequestId())));
    }

    @Override
    public Config config() {
        return config;
    }
}
