package dev.videolinks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** URL_SIGNER, URL_STABLE_FOR and CloudFront mode's variables (SPEC §4, §5). */
class UrlSigningConfigTest {

    static Map<String, String> cloudFront() {
        var env = ConfigTest.minimal();
        env.putAll(Map.of("URL_SIGNER", "CloudFront", "CLOUDFRONT_DOMAIN", "d111111abcdef8.cloudfront.net",
                "CLOUDFRONT_KEY_PAIR_ID", "K2JCJMDEHXQW5F", "CLOUDFRONT_PRIVATE_KEY_SECRET", "video-links/cloudfront-key-a"));
        return env;
    }

    static String failure(Map<String, String> env, String name, String value) {
        var changed = new HashMap<>(env);
        if (value == null) {
            changed.remove(name);
        } else {
            changed.put(name, value);
        }
        return assertThrows(IllegalArgumentException.class, () -> Config.fromEnv(changed)).getMessage();
    }

    @Test
    void fromEnv_minimal_s3SigningStableForFifteenMinutes() {
        var signing = Config.fromEnv(ConfigTest.minimal()).signing();

        assertEquals(Config.Signer.S3, signing.signer());
        assertEquals(Duration.ofMinutes(15), signing.stableFor());
        assertNull(signing.cloudFront());
    }

    @Test
    void fromEnv_cloudFront_everyPartRead() {
        var env = cloudFront();
        env.put("URL_STABLE_FOR", "PT5M");
        env.put("URL_MAX_TTL", "P30D");
        env.put("URL_TTL", "P7D");
        env.put("AWS_ENDPOINT_URL_SECRETS_MANAGER", "http://127.0.0.1:4583");

        var config = Config.fromEnv(env);

        assertEquals(Config.Signer.CLOUDFRONT, config.signing().signer());
        assertEquals(Duration.ofMinutes(5), config.signing().stableFor());
        assertEquals(new Config.CloudFront("d111111abcdef8.cloudfront.net", "K2JCJMDEHXQW5F", "video-links/cloudfront-key-a",
                URI.create("http://127.0.0.1:4583")), config.signing().cloudFront());
        assertEquals(Duration.ofDays(30), config.urlMaxTtl());
        assertEquals(Duration.ofDays(7), config.urlTtl());
    }

    @Test
    void fromEnv_badValues_failNamingTheVariable() {
        assertEquals("URL_SIGNER must be S3 or CloudFront, got 'Akamai'", failure(ConfigTest.minimal(), "URL_SIGNER", "Akamai"));
        assertTrue(failure(ConfigTest.minimal(), "URL_STABLE_FOR", "15m").startsWith("URL_STABLE_FOR must be an ISO-8601 duration"));
        assertTrue(failure(ConfigTest.minimal(), "URL_STABLE_FOR", "P2D").startsWith("URL_STABLE_FOR must be between PT0S and PT24H"));
        assertTrue(failure(ConfigTest.minimal(), "URL_MAX_TTL", "P30D").startsWith("URL_MAX_TTL must be between PT1M and PT168H"),
                "presigned URLs end after seven days");
        assertTrue(failure(cloudFront(), "URL_MAX_TTL", "P400D").startsWith("URL_MAX_TTL must be between PT1M and PT8760H"));
        assertTrue(failure(cloudFront(), "CLOUDFRONT_DOMAIN", null).startsWith("CLOUDFRONT_DOMAIN is required when URL_SIGNER is CloudFront"));
        assertTrue(failure(cloudFront(), "CLOUDFRONT_DOMAIN", "https://d111111abcdef8.cloudfront.net/")
                .startsWith("CLOUDFRONT_DOMAIN must be a host name like d111111abcdef8.cloudfront.net"));
        assertTrue(failure(cloudFront(), "CLOUDFRONT_KEY_PAIR_ID", "k2jc jmde").startsWith("CLOUDFRONT_KEY_PAIR_ID must be the id of a public key"));
        assertTrue(failure(cloudFront(), "CLOUDFRONT_PRIVATE_KEY_SECRET", null)
                .startsWith("CLOUDFRONT_PRIVATE_KEY_SECRET is required when URL_SIGNER is CloudFront"));
        assertTrue(failure(cloudFront(), "CLOUDFRONT_PRIVATE_KEY_SECRET", "-----BEGIN PRIVATE KEY-----")
                .startsWith("CLOUDFRONT_PRIVATE_KEY_SECRET must be the name or ARN of the Secrets Manager secret"));
    }
}
