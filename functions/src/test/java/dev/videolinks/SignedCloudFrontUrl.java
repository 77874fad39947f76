package dev.videolinks;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A CloudFront signed URL (canned policy) taken apart and checked the way CloudFront documents it, with the
 * JDK's {@link Signature} and none of the SDK: the resource is the URL without CloudFront's own parameters, the
 * policy is rebuilt from that resource and {@code Expires}, and {@code Signature} must verify over the policy's
 * bytes with the public key.
 */
record SignedCloudFrontUrl(String resource, long expires, String keyPairId, String hashAlgorithm, byte[] signature,
        Map<String, String> ownParameters) {

    static SignedCloudFrontUrl parse(URI url) {
        String raw = url.toString();
        int query = raw.indexOf('?');
        String base = query < 0 ? raw : raw.substring(0, query);
        var own = new ArrayList<String>();
        var cloudFront = new LinkedHashMap<String, String>();
        var ownParameters = new LinkedHashMap<String, String>();
        if (query >= 0) {
            for (String pair : raw.substring(query + 1).split("&")) {
                String name = pair.substring(0, pair.indexOf('='));
                String value = pair.substring(pair.indexOf('=') + 1);
                if (CloudFrontUrlSigner.SIGNATURE_PARAMETERS.contains(name)) {
                    cloudFront.put(name, value);
                } else {
                    own.add(pair);
                    ownParameters.put(name, java.net.URLDecoder.decode(value, StandardCharsets.UTF_8));
                }
            }
        }
        String resource = own.isEmpty() ? base : base + "?" + String.join("&", own);
        // CloudFront's URL-safe base64: '-' for '+', '_' for '=', '~' for '/'.
        byte[] signature = Base64.getDecoder().decode(cloudFront.get("Signature")
                .replace('-', '+').replace('_', '=').replace('~', '/'));
        return new SignedCloudFrontUrl(resource, Long.parseLong(cloudFront.get("Expires")), cloudFront.get("Key-Pair-Id"),
                cloudFront.getOrDefault("Hash-Algorithm", "SHA1"), signature, ownParameters);
    }

    /** The canned policy CloudFront rebuilds from the request: no whitespace, the resource as the URL names it. */
    String cannedPolicy() {
        return "{\"Statement\":[{\"Resource\":\"" + resource + "\",\"Condition\":{\"DateLessThan\":{\"AWS:EpochTime\":"
                + expires + "}}}]}";
    }

    Instant expiresAt() {
        return Instant.ofEpochSecond(expires);
    }

    /** Whether the signature verifies over the canned policy with this public key (RSA or EC). */
    boolean verifiesWith(PublicKey key) {
        try {
            var verifier = Signature.getInstance(hashAlgorithm + "with"
                    + (key.getAlgorithm().equals("EC") ? "ECDSA" : "RSA"));
            verifier.initVerify(key);
            verifier.update(cannedPolicy().getBytes(StandardCharsets.UTF_8));
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    List<String> ownParameterNames() {
        return List.copyOf(ownParameters.keySet());
    }
}
