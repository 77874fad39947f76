package dev.videolinks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PrimingTest {

    /**
     * The SDK calls of S3 mode: an event's read of the key and its job, the key's holder, job, jobs, a transaction,
     * lease, outcome, due jobs, HeadObject, the facts' ranged GET, a poster image's listing, a video's read of the
     * image index, a poster's write.
     */
    static final int CALLS = 13;

    /** No endpoint override: were anything sent, it would go to AWS, which this machine cannot reach. */
    static final Config CONFIG = Config.fromEnv(Map.of("AWS_REGION", "eu-north-1", "VIDEO_BUCKET", "videos",
            "VIDEO_TABLE", "table"));

    @Test
    void prime_everySdkCallMarshalledAndSignedButStoppedBeforeSending() {
        assertEquals(CALLS, Priming.prime(CONFIG));
    }
}
