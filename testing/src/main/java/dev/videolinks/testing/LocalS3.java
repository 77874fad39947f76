package dev.videolinks.testing;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.function.UnaryOperator;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * S3Proxy in this JVM on 127.0.0.1 with SigV4 authentication: in memory, or kept in a directory; its blob store
 * optionally wrapped (the local stack turns every write into an S3 notification that way).
 */
public final class LocalS3 implements AutoCloseable {

    public static final String REGION = "eu-north-1";
    /** Local-only test credentials, accepted by S3Proxy and DynamoDB Local alike (letters and digits only). */
    public static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDLOCAL", "localtestsecret"));

    /**
     * How to start it: the port (0: a free one), the directory that keeps the objects (null: in memory), a
     * wrapper around the blob store, the only credentials it accepts and the region its client signs for.
     */
    public record Options(int port, Path dataDir, UnaryOperator<BlobStore> store, StaticCredentialsProvider credentials,
            String region) {

        public static Options forTests() {
            return new Options(0, null, RecordingBlobStore::new, CREDENTIALS, REGION);
        }
    }

    private final S3Proxy proxy;
    private final BlobStore store;
    private final URI endpoint;
    private final S3Client client;

    private LocalS3(S3Proxy proxy, BlobStore store, Options options) {
        this.proxy = proxy;
        this.store = store;
        this.endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
        this.client = S3Client.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .region(Region.of(options.region()))
                .credentialsProvider(options.credentials())
                .endpointOverride(endpoint)
                .forcePathStyle(true)
                .build();
    }

    /** In memory, on a free port, for the tests' credentials, with these buckets. */
    public static LocalS3 start(String... buckets) throws Exception {
        return start(Options.forTests(), buckets);
    }

    /** Started as {@code options} say, with these buckets (those already kept in its directory stay). */
    public static LocalS3 start(Options options, String... buckets) throws Exception {
        var properties = new Properties();
        String provider = "transient";
        if (options.dataDir() != null) {
            Files.createDirectories(options.dataDir());
            properties.setProperty("jclouds.filesystem.basedir", options.dataDir().toAbsolutePath().toString());
            provider = "filesystem";
        }
        var credentials = options.credentials().resolveCredentials();
        BlobStore store = options.store().apply(BlobStores.create(provider, properties));
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(store)
                .endpoint(URI.create("http://127.0.0.1:" + options.port()))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, credentials.accessKeyId(),
                        credentials.secretAccessKey())
                .build();
        proxy.start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                proxy.stop();
                throw new IllegalStateException("S3Proxy did not start on port " + options.port() + " within 10 s");
            }
            Thread.sleep(10);
        }
        var s3 = new LocalS3(proxy, store, options);
        var existing = s3.client.listBuckets().buckets().stream().map(b -> b.name()).toList();
        for (String bucket : buckets) {
            if (!existing.contains(bucket)) {
                s3.client.createBucket(b -> b.bucket(bucket));
            }
        }
        return s3;
    }

    public URI endpoint() {
        return endpoint;
    }

    public S3Client client() {
        return client;
    }

    /** What S3Proxy was asked for (every GetObject with its Range, every ListObjectsV2), when started to record. */
    public RecordingBlobStore requests() {
        if (store instanceof RecordingBlobStore recording) {
            return recording;
        }
        throw new IllegalStateException("this S3 was started without RecordingBlobStore in its Options");
    }

    public void put(String bucket, String key, byte[] bytes, String contentType, Map<String, String> metadata) {
        client.putObject(p -> p.bucket(bucket).key(key).contentType(contentType).metadata(metadata),
                RequestBody.fromBytes(bytes));
    }

    @Override
    public void close() throws Exception {
        client.close();
        proxy.stop();
    }
}
