package dev.videolinks.testing;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * S3Proxy (with the sample events' bucket) and DynamoDB Local for one test class, stopped after it even
 * when a test fails (their threads would otherwise keep the build alive):
 * {@code @RegisterExtension static final LocalAws aws = new LocalAws();}
 */
public final class LocalAws implements BeforeAllCallback, AfterAllCallback {

    private LocalS3 s3;
    private LocalDynamoDb dynamoDb;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        s3 = LocalS3.start(Events.BUCKET);
        dynamoDb = LocalDynamoDb.start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try (var a = s3; var b = dynamoDb) {
            // both closed, in this order
        }
    }

    public LocalS3 s3() {
        return s3;
    }

    public LocalDynamoDb dynamoDb() {
        return dynamoDb;
    }

    /** A new, empty table as template.yaml declares it. */
    public String freshTable() {
        String table = "videos-" + UUID.randomUUID();
        dynamoDb.createVideoTable(table);
        return table;
    }

    /**
     * The environment a function needs to run against these servers, for the sample events' bucket and this
     * table: a map the caller may add to.
     */
    public Map<String, String> env(String table) {
        var env = new HashMap<String, String>();
        env.put("AWS_REGION", LocalS3.REGION);
        env.put("VIDEO_BUCKET", Events.BUCKET);
        env.put("VIDEO_TABLE", table);
        env.put("AWS_ENDPOINT_URL_S3", s3.endpoint().toString());
        env.put("AWS_ENDPOINT_URL_DYNAMODB", dynamoDb.endpoint().toString());
        return env;
    }
}
