package dev.videolinks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.standardwebhooks.Webhook;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebhookSignerTest {

    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"; // test fixture, the Standard Webhooks example

    @Test
    void signature_matchesTheStandardWebhooksLibrary() throws Exception {
        String body = "{\"type\":\"video.completed\",\"job_id\":\"j\",\"note\":\"ünïcødé\"}";

        String ours = new WebhookSigner(List.of(SECRET)).signature("msg_1", 1_764_000_000L, body.getBytes(StandardCharsets.UTF_8));

        assertEquals(new Webhook(SECRET).sign("msg_1", 1_764_000_000L, body), ours);
    }

    @Test
    void signature_noSecrets_signsNothing() {
        assertFalse(new WebhookSigner(List.of()).signs());
    }
}
