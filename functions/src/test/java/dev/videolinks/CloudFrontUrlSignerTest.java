package dev.videolinks;

import dev.videolinks.testing.MutableClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * CloudFront signed URLs as the signer makes them, checked without the SDK (see {@link SignedCloudFrontUrl}): no
 * distribution can run here, so the proof is the signature CloudFront would check, over the policy it would
 * rebuild, with the public key the template puts in the key group.
 */
class CloudFrontUrlSignerTest {

    static final String DOMAIN = "d111111abcdef8.cloudfront.net";
    static final String KEY_ID = "K2JCJMDEHXQW5F";
    static final Instant NOW = Instant.parse("2026-11-24T10:00:00.250Z");
    static final KeyPair RSA = TestKeyPairs.rsa();

    static Video video(String key, String contentType, String eTag, String versionId) {
        return new Video("job_1", "user_1", 1, "videos", key, eTag, versionId, 10, contentType, Map.of(),
                "0066F2A1B3C4D5E6F7", NOW);
    }

    static final Video VIDEO = video("generated_videos/user_1/job_1/clip.mp4", "video/mp4", "9b2cf535f27731c974343645a3985328", null);

    static CloudFrontUrlSigner signer(KeyPair keys) {
        return new CloudFrontUrlSigner(DOMAIN, KEY_ID, keys::getPrivate, new MutableClock(NOW));
    }

    @Test
    void sign_rsaKey_signatureVerifiesWithThePublicKeyOverTheCannedPolicy() {
        var url = signer(RSA).sign(VIDEO, Duration.ofHours(1), UrlSigner.Disposition.INLINE);

        var signed = SignedCloudFrontUrl.parse(url.url());
        assertTrue(signed.verifiesWith(RSA.getPublic()));
        assertEquals("SHA256", signed.hashAlgorithm());
        assertEquals(KEY_ID, signed.keyPairId());
    }

    @Test
    void sign_ecdsaP256Key_signatureVerifiesWithThePublicKey() {
        KeyPair ec = TestKeyPairs.ecP256();

        var url = signer(ec).sign(VIDEO, Duration.ofHours(1), UrlSigner.Disposition.INLINE);

        assertTrue(SignedCloudFrontUrl.parse(url.url()).verifiesWith(ec.getPublic()));
    }

    /** The check can fail: another key, another resource or another expiry does not verify. */
    @Test
    void verifiesWith_otherKeyOrTamperedUrl_fails() {
        var signed = SignedCloudFrontUrl.parse(signer(RSA).sign(VIDEO, Duration.ofHours(1), UrlSigner.Disposition.INLINE).url());

        assertFalse(signed.verifiesWith(TestKeyPairs.rsa().getPublic()));
        assertFalse(new SignedCloudFrontUrl(signed.resource().replace("clip.mp4", "other.mp4"), signed.expires(),
                signed.keyPairId(), signed.hashAlgorithm(), signed.signature(), Map.of()).verifiesWith(RSA.getPublic()));
        assertFalse(new SignedCloudFrontUrl(signed.resource(), signed.expires() + 86_400, signed.keyPairId(),
                signed.hashAlgorithm(), signed.signature(), Map.of()).verifiesWith(RSA.getPublic()));
    }

    @Test
    void sign_policyNamesTheVideosUrlAndTheExactExpiry() {
        var url = signer(RSA).sign(VIDEO, Duration.ofHours(1), UrlSigner.Disposition.INLINE);

        var signed = SignedCloudFrontUrl.parse(url.url());
        assertEquals("https://" + DOMAIN + "/generated_videos/user_1/job_1/clip.mp4?v=9b2cf535f27731c974343645a3985328",
                signed.resource());
        assertEquals(Instant.parse("2026-11-24T11:00:00Z"), url.expiresAt());
        assertEquals(url.expiresAt(), signed.expiresAt());
    }

    @Test
    void sign_lifetimeOfDays_expiryExactlyThatFarAndNoCredentialsInvolved() {
        var url = signer(RSA).sign(VIDEO, Duration.ofDays(30), UrlSigner.Disposition.INLINE);

        assertEquals(Instant.parse("2026-12-24T10:00:00Z"), url.expiresAt());
        assertEquals(url.expiresAt(), SignedCloudFrontUrl.parse(url.url()).expiresAt());
    }

    @Test
    void sign_awkwardKey_percentEncodedOnceSoABrowserSendsWhatWasSigned() {
        var awkward = video("generated_videos/u1/j1/Mon clip é+'(1).mp4", "video/mp4", "e1", null);

        var url = signer(RSA).sign(awkward, Duration.ofHours(1), UrlSigner.Disposition.INLINE);

        var signed = SignedCloudFrontUrl.parse(url.url());
        assertEquals("https://" + DOMAIN + "/generated_videos/u1/j1/Mon%20clip%20%C3%A9%2B%27%281%29.mp4?v=e1", signed.resource());
        assertTrue(signed.verifiesWith(RSA.getPublic()));
        assertEquals(url.url().toString(), URI.create(url.url().toString()).toASCIIString(), "already a valid ASCII URI");
    }

    @Test
    void sign_genericStoredType_urlNamesThePlayableTypeForS3ToAnswer() {
        var generic = video("generated_videos/u1/j1/clip.webm", "binary/octet-stream", "e1", null);

        var signed = SignedCloudFrontUrl.parse(signer(RSA).sign(generic, Duration.ofHours(1), UrlSigner.Disposition.INLINE).url());

        assertEquals("video/webm", signed.ownParameters().get("response-content-type"));
        assertTrue(signed.verifiesWith(RSA.getPublic()));
    }

    @Test
    void sign_attachment_urlCarriesTheDispositionWithTheFileName() {
        var named = video("generated_videos/u1/j1/Mon clip é.mp4", "video/mp4", "e1", null);

        var signed = SignedCloudFrontUrl.parse(signer(RSA).sign(named, Duration.ofHours(1), UrlSigner.Disposition.ATTACHMENT).url());

        assertEquals("attachment; filename=\"Mon clip _.mp4\"; filename*=UTF-8''Mon%20clip%20%C3%A9.mp4",
                signed.ownParameters().get("response-content-disposition"));
        assertFalse(signed.ownParameters().containsKey("response-content-type"), "stored type is playable already");
        assertTrue(signed.verifiesWith(RSA.getPublic()));
    }

    @Test
    void sign_versionedBucket_urlNamesTheRecordedVersion() {
        var versioned = video("generated_videos/u1/j1/clip.mp4", "video/mp4", "e1", "3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY");

        var signed = SignedCloudFrontUrl.parse(signer(RSA).sign(versioned, Duration.ofHours(1), UrlSigner.Disposition.INLINE).url());

        assertEquals(Map.of("versionId", "3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY"), signed.ownParameters());
    }

    /** What the distribution's cache policy must key on (TemplateTest checks the template against this list). */
    @Test
    void sign_everyParameterOfItsOwnIsACacheKeyParameter() {
        var all = video("generated_videos/u1/j1/clip", "application/octet-stream", "e1", "v1");
        var unversioned = video("generated_videos/u1/j1/clip.mov", "binary/octet-stream", "e1", null);

        for (Video video : List.of(all, unversioned)) {
            var signed = SignedCloudFrontUrl.parse(signer(RSA).sign(video, Duration.ofHours(1), UrlSigner.Disposition.ATTACHMENT).url());
            assertTrue(CloudFrontUrlSigner.CACHE_KEY_PARAMETERS.containsAll(signed.ownParameterNames()), signed.ownParameterNames().toString());
            assertEquals(3, signed.ownParameterNames().size(), signed.ownParameterNames().toString());
        }
    }

    @Test
    void redacted_dropsTheSignature() {
        var url = signer(RSA).sign(VIDEO, Duration.ofHours(1), UrlSigner.Disposition.INLINE);

        assertEquals("https://" + DOMAIN + "/generated_videos/user_1/job_1/clip.mp4", url.redacted());
    }
}
