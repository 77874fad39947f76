package dev.videolinks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class ConfigTest {

    static Map<String, String> minimal() {
        return new HashMap<>(Map.of("AWS_REGION", "eu-north-1", "VIDEO_BUCKET", "videos", "VIDEO_TABLE", "table",
                "WEBHOOK_URL", "http://localhost:3000/api/webhooks/video-completion"));
    }

    /** The message of the start failure when one variable is unset (null) or set to a value. */
    static String failure(String name, String value) {
        var env = minimal();
        if (value == null) {
            env.remove(name);
        } else {
            env.put(name, value);
        }
        Consumer<Map<String, String>> start = e -> {
            Config.fromEnv(e);
            Config.Webhook.fromEnv(e);
            Config.Api.fromEnv(e);
        };
        return assertThrows(IllegalArgumentException.class, () -> start.accept(env)).getMessage();
    }

    @Test
    void fromEnv_minimal_defaultsOfTheSpec() {
        var config = Config.fromEnv(minimal());
        var webhook = Config.Webhook.fromEnv(minimal());
        var api = Config.Api.fromEnv(minimal());

        assertEquals("generated_videos/", config.prefix());
        assertEquals(Duration.ofHours(1), config.urlTtl());
        assertEquals(Duration.ofHours(12), config.urlMaxTtl());
        assertNull(config.s3Endpoint());
        assertEquals(Duration.ofSeconds(10), webhook.timeout());
        assertEquals(Duration.ofHours(24), webhook.giveUpAfter());
        assertEquals(List.of(), webhook.secrets());
        assertEquals(Config.Api.AuthMode.JWT, api.authMode());
        assertEquals("sub", api.ownerClaim());
    }

    @Test
    void fromEnv_everyVariable_read() {
        var env = minimal();
        env.put("VIDEO_PREFIX", "renders/");
        env.put("WEBHOOK_SECRET", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw  whsec_localdummysecretforexampleonly00"); // test fixtures
        env.put("WEBHOOK_TIMEOUT", "PT5S");
        env.put("URL_TTL", "PT2H");
        env.put("AUTH_MODE", "iam");
        env.put("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9000");

        var config = Config.fromEnv(env);
        var webhook = Config.Webhook.fromEnv(env);

        assertEquals("renders/", config.prefix());
        assertEquals(Duration.ofHours(2), config.urlTtl());
        assertEquals(URI.create("http://127.0.0.1:9000"), config.s3Endpoint());
        assertEquals(URI.create("http://localhost:3000/api/webhooks/video-completion"), webhook.url());
        assertEquals(2, webhook.secrets().size());
        assertEquals(Duration.ofSeconds(5), webhook.timeout());
        assertEquals(Config.Api.AuthMode.IAM, Config.Api.fromEnv(env).authMode());
    }

    @Test
    void fromEnv_badValues_failNamingTheVariable() {
        assertTrue(failure("VIDEO_BUCKET", null).startsWith("VIDEO_BUCKET is required"));
        assertTrue(failure("VIDEO_TABLE", " ").startsWith("VIDEO_TABLE is required"));
        assertTrue(failure("AWS_REGION", null).startsWith("AWS_REGION is required"));
        assertTrue(failure("VIDEO_PREFIX", "generated_videos").startsWith("VIDEO_PREFIX must be a key prefix ending in '/'"));
        assertTrue(failure("WEBHOOK_URL", null).startsWith("WEBHOOK_URL is required"));
        assertTrue(failure("WEBHOOK_URL", "localhost:3000/hook").startsWith("WEBHOOK_URL must be an absolute http(s) URL"));
        assertTrue(failure("WEBHOOK_SECRET", "hunter2").startsWith("WEBHOOK_SECRET must be"));
        assertTrue(failure("WEBHOOK_SECRET", "whsec_***").startsWith("WEBHOOK_SECRET must be"));
        assertTrue(failure("WEBHOOK_TIMEOUT", "10s").startsWith("WEBHOOK_TIMEOUT must be an ISO-8601 duration"));
        assertTrue(failure("WEBHOOK_TIMEOUT", "PT0S").startsWith("WEBHOOK_TIMEOUT must be between"));
        assertTrue(failure("URL_TTL", "PT13H").startsWith("URL_TTL must be between PT1M and PT12H"));
        assertTrue(failure("URL_MAX_TTL", "P8D").startsWith("URL_MAX_TTL must be between"));
        assertTrue(failure("AUTH_MODE", "COOKIE").startsWith("AUTH_MODE must be JWT or IAM"));
        assertTrue(failure("AWS_ENDPOINT_URL_DYNAMODB", "ftp://x").startsWith("AWS_ENDPOINT_URL_DYNAMODB must be"));
    }
}
