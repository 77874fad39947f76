package dev.videolinks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SnapStart priming in CloudFront mode: the read of the key is marshalled, signed and stopped, never sent. */
class CloudFrontPrimingTest {

    static Map<String, String> env() {
        var env = new HashMap<>(Map.of("AWS_REGION", "eu-north-1", "VIDEO_BUCKET", "videos", "VIDEO_TABLE", "table",
                "URL_SIGNER", "CloudFront", "CLOUDFRONT_DOMAIN", "d111111abcdef8.cloudfront.net",
                "CLOUDFRONT_KEY_PAIR_ID", "K2JCJMDEHXQW5F", "CLOUDFRONT_PRIVATE_KEY_SECRET", "video-links/cloudfront-key-a"));
        return env;
    }

    /** No endpoint override: were the read sent, it would go to AWS, which this machine cannot reach. */
    @Test
    void prime_theKeysReadStoppedBeforeSendingWithEveryOtherCall() {
        assertEquals(PrimingTest.CALLS + 1, Priming.prime(Config.fromEnv(env())));
    }

    @Test
    void prime_localSecretsManager_getsNoRequest() throws Exception {
        try (var secrets = LocalSecretsManager.start()) {
            var env = env();
            env.put("AWS_ENDPOINT_URL_SECRETS_MANAGER", secrets.endpoint().toString());

            int stopped = Priming.prime(Config.fromEnv(env));

            assertEquals(PrimingTest.CALLS + 1, stopped);
            assertEquals(0, secrets.requests().size());
        }
    }
}
