package dev.videolinks;

import dev.videolinks.facts.VideoFactsReader;
import dev.videolinks.facts.VideoFacts;
import dev.videolinks.store.Deliveries;
import dev.videolinks.store.ImageIndex;
import dev.videolinks.store.KeyState;
import dev.videolinks.store.Lease;
import dev.videolinks.store.Sender;
import dev.videolinks.store.VideoStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import javax.net.ssl.HttpsURLConnection;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.retry.RetryPolicy;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Work done once before SnapStart takes its snapshot (from the handlers' {@code beforeCheckpoint}), so that
 * every restored environment starts with the JSON mapper, the presigner, the signers, the SDK's request
 * marshallers and the TLS context loaded, initialized and partly compiled, instead of paying for that on its first request.
 *
 * <p>It touches no network: requests go to throwaway clients whose interceptor stops each call after it is
 * marshalled and signed, before it is sent. It keeps nothing: dummy credentials, a fixed instant, results
 * thrown away, so no time, random value or secret is captured in the snapshot. In CloudFront mode it marshals
 * the read of the private key's parameter but never sends it, and signs no CloudFront URL: the key is read at
 * the first signature after a restore ({@link CloudFrontPrivateKey}).
 */
final class Priming {

    private static final StaticCredentialsProvider DUMMY =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDPRIMING", "priming"));
    private static final Instant FIXED = Instant.parse("2026-01-01T00:00:00Z");
    private static final String EVENT = """
            {"Records": [{"eventVersion": "2.1", "eventSource": "aws:s3", "eventName": "ObjectCreated:Put",
              "s3": {"bucket": {"name": "priming"}, "object": {"key": "generated_videos/u/j/a+clip.mp4",
              "size": 1, "eTag": "e", "sequencer": "01"}}}]}""";

    /** Thrown by the interceptor once a request is marshalled and signed: the call stops there. */
    private static final class Stop extends RuntimeException {
        Stop() {
            super("priming: not sent", null, false, false);
        }
    }

    private Priming() {}

    /** Primes; answers how many SDK calls were marshalled and signed and then stopped before sending. */
    static int prime(Config config) {
        var facts = VideoFactsReader.prime();
        var video = Video.builder().jobId("j").userId("u").bucket(config.bucket()).key(config.prefix() + "u/j/clip.mp4")
                .etag("etag").size(1).contentType("binary/octet-stream").metadata(Map.of("k", "v"))
                .sequencer(ObjectEvent.sequencer("01")).recordedAt(FIXED).facts(facts)
                .posterKey(config.prefix() + "u/j/clip.jpg").build();
        var throwaway = new AwsClients(config, DUMMY, overrides -> overrides
                .addExecutionInterceptor(new ExecutionInterceptor() {
                    @Override
                    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                        throw new Stop();
                    }
                })
                .retryPolicy(RetryPolicy.none()));
        // The SDK's and the webhook's HTTPS connections use the JDK's default TLS context: set it up (trust store
        // loaded) and load the connection classes, so that the first call after a restore does neither. Opening a
        // connection object does not connect.
        HttpsURLConnection.getDefaultSSLSocketFactory();
        AwsClients.connection(URI.create("https://priming.invalid/"));
        var s3 = throwaway.s3();
        var dynamoDb = throwaway.dynamoDb();
        var presigner = throwaway.presigner();
        var secrets = config.signing().signer() == Config.Signer.CLOUDFRONT ? throwaway.secretsManager() : null;
        try {
            var signer = new StableUrls(new UrlSigner(presigner, DUMMY), Duration.ofMinutes(15), Config.PRESIGN_LIMIT,
                    Clock.fixed(FIXED, ZoneOffset.UTC));
            var poster = signer.sign(video.poster().orElseThrow(), Duration.ofHours(1), UrlSigner.Disposition.INLINE);
            var links = List.of(
                    VideoLink.of(video, signer.sign(video, Duration.ofHours(1), UrlSigner.Disposition.INLINE), poster),
                    VideoLink.of(video, signer.sign(video, Duration.ofHours(1), UrlSigner.Disposition.ATTACHMENT), null));
            byte[] body = Json.write(WebhookPayload.completed("j", "u", links, FIXED));
            new WebhookSigner(List.of("whsec_cHJpbWluZy1wcmltaW5nLXByaW1pbmc=")).signature("msg_priming", 0, body); // dummy secret
            ObjectEvent.parse(Json.parse(EVENT.getBytes(StandardCharsets.UTF_8)));
            Json.writeString(new VideoUrls.JobView("j", "completed", "u", links));
            Log.to(line -> { }).with("request_id", "priming").info("priming", "job_id", "j", "key", video.key());

            var store = new VideoStore(dynamoDb, config.table());
            var deliveries = new Deliveries(dynamoDb, config.table());
            var images = new ImageIndex(dynamoDb, config.table());
            var job = new Job("j", "u", 1, List.of(video), java.util.Optional.of(new Delivery("j", "msg_priming",
                    Delivery.State.PENDING, 0, null, null, FIXED, FIXED, null, 1, null, FIXED)));
            var lease = new Lease(1, FIXED.plusSeconds(75));
            var sender = new Sender("priming", FIXED, FIXED.plusSeconds(75));
            var posters = new Posters(config.bucket(), new VideoKeys(config.prefix()), s3, store, images);
            return stopped(() -> store.follow(KeyState.video(video), sender))
                    + stopped(() -> store.holding(video.key()))
                    + stopped(() -> store.job("j"))
                    + stopped(() -> store.jobs(List.of("j", "k")))
                    + stopped(() -> dynamoDb.transactWriteItems(t -> t.clientRequestToken("priming").transactItems(
                            TransactWriteItem.builder().update(u -> u.tableName(config.table())
                                    .key(Map.of("job_id", AttributeValue.fromS("j"))).updateExpression("SET #a = :v")
                                    .conditionExpression("#a = :v").expressionAttributeNames(Map.of("#a", "a"))
                                    .expressionAttributeValues(Map.of(":v", AttributeValue.fromN("1")))).build())))
                    + stopped(() -> deliveries.lease(job, sender))
                    + stopped(() -> deliveries.record("j", new Deliveries.Outcome("msg_priming", lease,
                            Delivery.State.DELIVERED, 1, 200, null, null), FIXED))
                    + stopped(() -> deliveries.dueJobs(FIXED, 1))
                    + stopped(() -> s3.headObject(h -> h.bucket(config.bucket()).key(video.key())))
                    + stopped(() -> new VideoFactsReader(s3).read(new VideoFactsReader.StoredObject(config.bucket(),
                            video.key(), null, "etag", 1_000_000)))
                    + stopped(() -> posters.siblings(video.key()))
                    + stopped(() -> posters.posterOf(video, Log.to(line -> { })))
                    + stopped(() -> images.setPoster(new VideoVersion("j", video.key(), "etag", null), "jpg", "etag"))
                    + (secrets == null ? 0 : primeCloudFront(config.signing().cloudFront(), secrets, video));
        } catch (IOException e) {
            throw new UncheckedIOException("priming could not serialize its own sample", e);
        } finally {
            s3.close();
            dynamoDb.close();
            presigner.close();
            if (secrets != null) {
                secrets.close();
            }
        }
    }

    /**
     * The read of the key's secret, stopped before it is sent, and a CloudFront URL built up to the point where
     * it needs the key: the key supplier stops it there. Answers 1 when the read was stopped.
     */
    private static int primeCloudFront(Config.CloudFront cloudFront, SecretsManagerClient secrets, Video video) {
        var signer = new CloudFrontUrlSigner(cloudFront.domain(), cloudFront.keyPairId(), () -> {
            throw new Stop();
        }, Clock.fixed(FIXED, ZoneOffset.UTC));
        try {
            signer.sign(video, Duration.ofHours(1), UrlSigner.Disposition.ATTACHMENT);
        } catch (Stop expected) {
            // no key before a restore
        }
        return stopped(() -> secrets.getSecretValue(get -> get.secretId(cloudFront.privateKeySecret())));
    }

    /** 1 when the call was stopped by the interceptor, i.e. marshalled and signed but not sent; else 0. */
    private static int stopped(Runnable call) {
        try {
            call.run();
            return 0;
        } catch (Stop stop) {
            return 1;
        } catch (SdkException e) {
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof Stop) {
                    return 1;
                }
            }
            return 0;
        }
    }
}
