package dev.videolinks;

import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/**
 * CloudFront mode's private key, read from a Secrets Manager secret at the first signature and kept for the
 * life of the environment. Never earlier: a function's init runs before its SnapStart snapshot, and a key read
 * there would be copied, with the snapshot, into every environment restored from it. Never logged, never in an
 * error message, never in the environment.
 */
final class CloudFrontPrivateKey {

    private static final String BEGIN = "-----BEGIN PRIVATE KEY-----";
    private static final String END = "-----END PRIVATE KEY-----";
    /** The kinds of key CloudFront takes (RSA 2048, ECDSA P-256). */
    private static final List<String> ALGORITHMS = List.of("RSA", "EC");

    private final SecretsManagerClient secrets;
    private final String secret;
    private PrivateKey key;

    CloudFrontPrivateKey(SecretsManagerClient secrets, String secret) {
        this.secrets = secrets;
        this.secret = secret;
    }

    /** The key, read and parsed at the first call. */
    synchronized PrivateKey get() {
        if (key == null) {
            key = parse(secret, read());
        }
        return key;
    }

    /** Whether the key has been read (it is not until the first signature). */
    synchronized boolean isLoaded() {
        return key != null;
    }

    private String read() {
        GetSecretValueResponse value;
        try {
            value = secrets.getSecretValue(get -> get.secretId(secret));
        } catch (ResourceNotFoundException e) {
            throw new IllegalStateException("CLOUDFRONT_PRIVATE_KEY_SECRET names " + secret
                    + ", which does not exist in this account and region: store the private key there as the secret's text", e);
        }
        if (value.secretString() == null) {
            throw new IllegalStateException("the secret " + secret
                    + " holds binary data: store the PEM private key as the secret's text (--secret-string)");
        }
        return value.secretString();
    }

    /**
     * A PKCS#8 PEM key ({@code -----BEGIN PRIVATE KEY-----}, what {@code openssl genpkey} writes), RSA or EC as
     * CloudFront takes them. The message of a failure names the secret and never holds any of its text.
     */
    static PrivateKey parse(String secret, String pem) {
        String text = pem.strip();
        if (text.startsWith("-----BEGIN RSA PRIVATE KEY-----") || text.startsWith("-----BEGIN EC PRIVATE KEY-----")) {
            throw new IllegalStateException("the secret " + secret + " holds a PKCS#1/SEC1 key ("
                    + text.substring(5, text.indexOf("-----", 5)) + "): store it as PKCS#8, the output of "
                    + "`openssl pkcs8 -topk8 -nocrypt -in private_key.pem`");
        }
        if (!text.startsWith(BEGIN) || !text.endsWith(END)) {
            throw new IllegalStateException("the secret " + secret
                    + " does not hold a PEM private key (-----BEGIN PRIVATE KEY----- ... -----END PRIVATE KEY-----)");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(text.substring(BEGIN.length(), text.length() - END.length()).strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the secret " + secret + " holds a PEM key that is not valid base64");
        }
        try {
            var spec = new PKCS8EncodedKeySpec(der);
            for (String algorithm : ALGORITHMS) {
                try {
                    return KeyFactory.getInstance(algorithm).generatePrivate(spec);
                } catch (InvalidKeySpecException notThisOne) {
                    // the next algorithm, or the message below
                }
            }
            throw new IllegalStateException("the secret " + secret
                    + " holds no PKCS#8 RSA or EC key: CloudFront signs with RSA 2048 or ECDSA P-256 keys");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has RSA and EC key factories", e);
        } finally {
            Arrays.fill(der, (byte) 0);
        }
    }
}
