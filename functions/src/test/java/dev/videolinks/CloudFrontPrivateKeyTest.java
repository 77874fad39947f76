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
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/** The private key, read with the SDK's Secrets Manager client from {@link LocalSecretsManager} over HTTP. */
class CloudFrontPrivateKeyTest {

    static final String SECRET = "video-links/cloudfront-key-a";
    static final KeyPair RSA = TestKeyPairs.rsa();

    LocalSecretsManager secrets;
    SecretsManagerClient client;

    @BeforeEach
    void start() throws Exception {
        secrets = LocalSecretsManager.start();
        var env = Map.of("AWS_REGION", LocalS3.REGION, "VIDEO_BUCKET", "videos", "VIDEO_TABLE", "table",
                "URL_SIGNER", "CloudFront", "CLOUDFRONT_DOMAIN", "d111111abcdef8.cloudfront.net",
                "CLOUDFRONT_KEY_PAIR_ID", "K2JCJMDEHXQW5F", "CLOUDFRONT_PRIVATE_KEY_SECRET", SECRET,
                "AWS_ENDPOINT_URL_SECRETS_MANAGER", secrets.endpoint().toString());
        client = new AwsClients(Config.fromEnv(env), LocalS3.CREDENTIALS).secretsManager();
    }

    @AfterEach
    void stop() {
        client.close();
        secrets.close();
    }

    @Test
    void get_readsTheSecretOnceAtTheFirstCallAndNeverBefore() {
        secrets.putSecretString(SECRET, TestKeyPairs.pkcs8Pem(RSA.getPrivate()));
        var key = new CloudFrontPrivateKey(client, SECRET);
        assertEquals(0, secrets.requests().size());
        assertFalse(key.isLoaded());

        var first = key.get();
        var second = key.get();

        assertArrayEquals(RSA.getPrivate().getEncoded(), first.getEncoded());
        assertEquals(first, second);
        assertEquals(1, secrets.requests().size());
        var request = secrets.requests().getFirst();
        assertEquals("secretsmanager.GetSecretValue", request.target());
        assertEquals(Map.of("SecretId", SECRET), request.body());
    }

    @Test
    void get_ecKey_read() {
        KeyPair ec = TestKeyPairs.ecP256();
        secrets.putSecretString(SECRET, TestKeyPairs.pkcs8Pem(ec.getPrivate()));

        assertEquals("EC", new CloudFrontPrivateKey(client, SECRET).get().getAlgorithm());
    }

    @Test
    void get_missingSecret_failsNamingIt() {
        var e = assertThrows(IllegalStateException.class, () -> new CloudFrontPrivateKey(client, SECRET).get());

        assertTrue(e.getMessage().startsWith("CLOUDFRONT_PRIVATE_KEY_SECRET names " + SECRET + ", which does not exist"), e.getMessage());
    }

    @Test
    void get_binarySecret_refused() {
        secrets.putSecretBinary(SECRET, TestKeyPairs.pkcs8Pem(RSA.getPrivate()));

        var e = assertThrows(IllegalStateException.class, () -> new CloudFrontPrivateKey(client, SECRET).get());

        assertEquals("the secret " + SECRET + " holds binary data: store the PEM private key as the secret's text (--secret-string)", e.getMessage());
    }

    @Test
    void parse_pkcs1Key_refusedWithTheCommandThatConvertsIt() {
        String pkcs8 = TestKeyPairs.pkcs8Pem(RSA.getPrivate());
        String pkcs1 = pkcs8.replace("BEGIN PRIVATE KEY", "BEGIN RSA PRIVATE KEY").replace("END PRIVATE KEY", "END RSA PRIVATE KEY");

        var e = assertThrows(IllegalStateException.class, () -> CloudFrontPrivateKey.parse(SECRET, pkcs1));

        assertEquals("the secret " + SECRET + " holds a PKCS#1/SEC1 key (BEGIN RSA PRIVATE KEY): store it as PKCS#8, "
                + "the output of `openssl pkcs8 -topk8 -nocrypt -in private_key.pem`", e.getMessage());
    }

    @Test
    void parse_notAKey_messageHoldsNoneOfTheSecretsText() {
        String body = "-----BEGIN PRIVATE KEY-----\nTUlJQ2VBSUJBREFOQmdrcWhraUc5dzBCQVFFRkFBU0NBbUl3Z2dKZUFnRUFBb0dCQUx=\n-----END PRIVATE KEY-----";

        var e = assertThrows(IllegalStateException.class, () -> CloudFrontPrivateKey.parse(SECRET, body));
        var notPem = assertThrows(IllegalStateException.class, () -> CloudFrontPrivateKey.parse(SECRET, "hunter2"));

        assertEquals("the secret " + SECRET + " holds no PKCS#8 RSA or EC key: CloudFront signs with RSA 2048 or ECDSA P-256 keys", e.getMessage());
        assertFalse(notPem.getMessage().contains("hunter2"));
    }
}
