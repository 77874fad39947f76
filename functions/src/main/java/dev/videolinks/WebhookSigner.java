package dev.videolinks;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signatures: {@code v1,<base64 HMAC-SHA256(secret, "{id}.{timestamp}.{body}")>}, one per
 * secret, space-separated, so a receiver can rotate secrets.
 */
final class WebhookSigner {

    private final List<SecretKeySpec> keys;

    WebhookSigner(List<String> secrets) {
        this.keys = secrets.stream()
                .map(secret -> new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"))
                .toList();
    }

    boolean signs() {
        return !keys.isEmpty();
    }

    String signature(String id, long timestamp, byte[] body) {
        byte[] prefix = (id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8);
        var signatures = new StringBuilder();
        for (SecretKeySpec key : keys) {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(key);
                mac.update(prefix);
                byte[] digest = mac.doFinal(body);
                if (!signatures.isEmpty()) {
                    signatures.append(' ');
                }
                signatures.append("v1,").append(Base64.getEncoder().encodeToString(digest));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
            }
        }
        return signatures.toString();
    }
}
