package dev.videolinks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PrimingTest {

    /** No endpoint override: were anything sent, it would go to AWS, which this machine cannot reach. */
    static final Config CONFIG = Config.fromEnv(Map.of("AWS_REGION", "eu-north-1", "VIDEO_BUCKET", "videos",
            "VIDEO_TABLE", "table"));

    @Test
    void prime_everySdkCallMarshalledAndSignedButStoppedBeforeSending() {
        assertEquals(11, Priming.prime(CONFIG));
    }
}
