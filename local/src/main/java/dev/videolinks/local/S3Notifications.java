package dev.videolinks.local;

import dev.videolinks.Json;
import dev.videolinks.testing.LocalTemplate;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * Turns object changes in the local bucket into S3 notification events shaped like AWS's, and invokes each
 * function whose S3 trigger in template.yaml (event type, prefix, suffix) matches, asynchronously.
 */
final class S3Notifications implements NotifyingBlobStore.Listener {

    private final String bucket;
    private final String region;
    private final List<LocalTemplate.Function> functions;
    private final AsyncInvoker invoker;
    /** Nanoseconds since the epoch, as MinIO numbers them: later than the sample events' and than any earlier run's. */
    private final AtomicLong sequencer = new AtomicLong(System.currentTimeMillis() * 1_000_000);

    S3Notifications(String bucket, String region, List<LocalTemplate.Function> functions, AsyncInvoker invoker) {
        this.bucket = bucket;
        this.region = region;
        this.functions = functions;
        this.invoker = invoker;
    }

    @Override
    public void changed(String eventName, String changedBucket, String key, HeadObjectResponse object) {
        if (!bucket.equals(changedBucket)) {
            return;
        }
        for (var function : functions) {
            for (var trigger : function.s3Triggers()) {
                if (trigger.matches(eventName, key)) {
                    invoker.submit(function.logicalId(), event(eventName, key, object, trigger));
                    break;
                }
            }
        }
    }

    byte[] event(String eventName, String key, HeadObjectResponse object, LocalTemplate.S3Trigger trigger) {
        var s3Object = new LinkedHashMap<String, Object>();
        // S3 form-encodes keys in notifications: a space is '+', a plus "%2B"; slashes stay.
        s3Object.put("key", URLEncoder.encode(key, StandardCharsets.UTF_8).replace("%2F", "/"));
        if (object != null) {
            s3Object.put("size", object.contentLength());
            s3Object.put("eTag", object.eTag() == null ? null : object.eTag().replace("\"", ""));
            if (object.versionId() != null) {
                s3Object.put("versionId", object.versionId());
            }
        }
        s3Object.put("sequencer", String.format("%016X", sequencer.incrementAndGet()));
        var record = new LinkedHashMap<String, Object>();
        record.put("eventVersion", "2.1");
        record.put("eventSource", "aws:s3");
        record.put("awsRegion", region);
        record.put("eventTime", Instant.now().toString());
        record.put("eventName", eventName);
        record.put("userIdentity", Map.of("principalId", "AWS:AKIDLOCAL"));
        record.put("requestParameters", Map.of("sourceIPAddress", "127.0.0.1"));
        record.put("responseElements", Map.of("x-amz-request-id", Long.toHexString(sequencer.get()).toUpperCase(),
                "x-amz-id-2", "local"));
        record.put("s3", Map.of(
                "s3SchemaVersion", "1.0",
                "configurationId", "local-" + trigger.events().getFirst() + "-" + trigger.prefix() + "*" + trigger.suffix(),
                "bucket", Map.of("name", bucket, "ownerIdentity", Map.of("principalId", "local"),
                        "arn", "arn:aws:s3:::" + bucket),
                "object", s3Object));
        return Json.write(Map.of("Records", List.of(record)));
    }
}
