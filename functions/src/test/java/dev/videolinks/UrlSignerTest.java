package dev.videolinks;

import dev.videolinks.testing.LocalS3;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/** Presigning needs no server: these check the URL and its expiry as the signer produces them. */
class UrlSignerTest {

    static final Video VIDEO = new Video("job_1", "user_1", 1, "videos", "generated_videos/user_1/job_1/Mon clip é.mp4",
            "etag", null, 10, "video/mp4", Map.of(), "0066F2A1B3C4D5E6F7", Instant.parse("2026-11-24T10:00:00Z"));

    static UrlSigner signer(StaticCredentialsProvider credentials) {
        var presigner = S3Presigner.builder().region(Region.EU_NORTH_1).credentialsProvider(credentials)
                .endpointOverride(URI.create("http://127.0.0.1:9"))
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .build();
        return new UrlSigner(presigner, credentials);
    }

    @Test
    void sign_credentialsExpireBeforeTheTtl_expiryIsTheCredentialExpiry() {
        Instant credentialExpiry = Instant.now().plus(Duration.ofMinutes(20)).truncatedTo(ChronoUnit.SECONDS);
        var credentials = StaticCredentialsProvider.create(AwsSessionCredentials.builder()
                .accessKeyId("AKIDLOCAL").secretAccessKey("localtestsecret").sessionToken("localtoken")
                .expirationTime(credentialExpiry).build());

        var url = signer(credentials).sign(VIDEO, Duration.ofHours(1), UrlSigner.Disposition.INLINE);

        assertEquals(credentialExpiry, url.expiresAt());
        assertTrue(url.url().getRawQuery().contains("X-Amz-Expires=3600"));
    }

    @Test
    void sign_credentialsWithoutExpiry_expiryIsSigningTimePlusTtl() {
        Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);

        var url = signer(LocalS3.CREDENTIALS).sign(VIDEO, Duration.ofMinutes(15), UrlSigner.Disposition.INLINE);

        Duration lifetime = Duration.between(before, url.expiresAt());
        assertTrue(lifetime.compareTo(Duration.ofMinutes(15)) >= 0 && lifetime.compareTo(Duration.ofMinutes(16)) < 0, lifetime.toString());
    }

    @Test
    void sign_attachment_carriesTheFileNameInTheDisposition() {
        var url = signer(LocalS3.CREDENTIALS).sign(VIDEO, Duration.ofMinutes(15), UrlSigner.Disposition.ATTACHMENT);

        String query = URLDecoder.decode(url.url().getRawQuery(), StandardCharsets.UTF_8);
        assertTrue(query.contains("response-content-disposition=attachment; filename=\"Mon clip _.mp4\"; filename*=UTF-8''Mon%20clip%20%C3%A9.mp4"), query);
        assertFalse(query.contains("response-content-type"), "stored type is playable already");
    }

    @Test
    void redacted_dropsTheQueryString() {
        var url = signer(LocalS3.CREDENTIALS).sign(VIDEO, Duration.ofMinutes(15), UrlSigner.Disposition.INLINE);

        assertFalse(url.redacted().contains("?"));
        assertFalse(url.redacted().contains("X-Amz"));
    }
}
