package dev.videolinks;

import dev.videolinks.testing.LocalS3;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ssm.SsmClient;

/** The private key, read with the SDK's SSM client from {@link LocalSsm} over HTTP. */
class CloudFrontPrivateKeyTest {

    static final String PARAMETER = "/video-links/cloudfront-key-a";
    static final KeyPair RSA = TestKeyPairs.rsa();

    LocalSsm ssm;
    SsmClient client;

    @BeforeEach
    void start() throws Exception {
        ssm = LocalSsm.start();
        var env = Map.of("AWS_REGION", LocalS3.REGION, "VIDEO_BUCKET", "videos", "VIDEO_TABLE", "table",
                "URL_SIGNER", "CloudFront", "CLOUDFRONT_DOMAIN", "d111111abcdef8.cloudfront.net",
                "CLOUDFRONT_KEY_PAIR_ID", "K2JCJMDEHXQW5F", "CLOUDFRONT_PRIVATE_KEY_PARAMETER", PARAMETER,
                "AWS_ENDPOINT_URL_SSM", ssm.endpoint().toString());
        client = new AwsClients(Config.fromEnv(env), LocalS3.CREDENTIALS).ssm();
    }

    @AfterEach
    void stop() {
        client.close();
        ssm.close();
    }

    @Test
    void get_readsTheSecureStringOnceAtTheFirstCallAndNeverBefore() {
        ssm.putSecureString(PARAMETER, TestKeyPairs.pkcs8Pem(RSA.getPrivate()));
        var key = new CloudFrontPrivateKey(client, PARAMETER);
        assertEquals(0, ssm.requests().size());
        assertFalse(key.isLoaded());

        var first = key.get();
        var second = key.get();

        assertArrayEquals(RSA.getPrivate().getEncoded(), first.getEncoded());
        assertEquals(first, second);
        assertEquals(1, ssm.requests().size());
        var request = ssm.requests().getFirst();
        assertEquals("AmazonSSM.GetParameter", request.target());
        assertEquals(PARAMETER, request.body().path("Name").asText());
        assertTrue(request.body().path("WithDecryption").asBoolean());
    }

    @Test
    void get_ecKey_read() {
        KeyPair ec = TestKeyPairs.ecP256();
        ssm.putSecureString(PARAMETER, TestKeyPairs.pkcs8Pem(ec.getPrivate()));

        assertEquals("EC", new CloudFrontPrivateKey(client, PARAMETER).get().getAlgorithm());
    }

    @Test
    void get_missingParameter_failsNamingIt() {
        var e = assertThrows(IllegalStateException.class, () -> new CloudFrontPrivateKey(client, PARAMETER).get());

        assertTrue(e.getMessage().startsWith("CLOUDFRONT_PRIVATE_KEY_PARAMETER names " + PARAMETER + ", which does not exist"), e.getMessage());
    }

    @Test
    void get_plainStringParameter_refused() {
        ssm.putString(PARAMETER, TestKeyPairs.pkcs8Pem(RSA.getPrivate()));

        var e = assertThrows(IllegalStateException.class, () -> new CloudFrontPrivateKey(client, PARAMETER).get());

        assertEquals("the SSM parameter " + PARAMETER + " is a String: a private key must be stored as a SecureString", e.getMessage());
    }

    @Test
    void parse_pkcs1Key_refusedWithTheCommandThatConvertsIt() {
        String pkcs8 = TestKeyPairs.pkcs8Pem(RSA.getPrivate());
        String pkcs1 = pkcs8.replace("BEGIN PRIVATE KEY", "BEGIN RSA PRIVATE KEY").replace("END PRIVATE KEY", "END RSA PRIVATE KEY");

        var e = assertThrows(IllegalStateException.class, () -> CloudFrontPrivateKey.parse(PARAMETER, pkcs1));

        assertEquals("the SSM parameter " + PARAMETER + " holds a PKCS#1/SEC1 key (BEGIN RSA PRIVATE KEY): store it as PKCS#8, "
                + "the output of `openssl pkcs8 -topk8 -nocrypt -in private_key.pem`", e.getMessage());
    }

    @Test
    void parse_notAKey_messageHoldsNoneOfTheParametersText() {
        String body = "-----BEGIN PRIVATE KEY-----\nTUlJQ2VBSUJBREFOQmdrcWhraUc5dzBCQVFFRkFBU0NBbUl3Z2dKZUFnRUFBb0dCQUx=\n-----END PRIVATE KEY-----";

        var e = assertThrows(IllegalStateException.class, () -> CloudFrontPrivateKey.parse(PARAMETER, body));
        var notPem = assertThrows(IllegalStateException.class, () -> CloudFrontPrivateKey.parse(PARAMETER, "hunter2"));

        assertEquals("the SSM parameter " + PARAMETER + " holds no PKCS#8 RSA or EC key: CloudFront signs with RSA 2048 or ECDSA P-256 keys", e.getMessage());
        assertFalse(notPem.getMessage().contains("hunter2"));
    }
}
