package dev.videolinks.testing;

import java.net.URI;
import java.util.Map;
import java.util.Properties;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** S3Proxy in this JVM on a free loopback port, with an in-memory store and SigV4 authentication. */
public final class LocalS3 implements AutoCloseable {

    public static final String REGION = "eu-north-1";
    /** Local-only test credentials, accepted by S3Proxy and DynamoDB Local alike (letters and digits only). */
    public static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDLOCAL", "localtestsecret"));

    private final S3Proxy proxy;
    private final RecordingBlobStore store;
    private final URI endpoint;
    private final S3Client client;

    private LocalS3(S3Proxy proxy, RecordingBlobStore store) {
        this.proxy = proxy;
        this.store = store;
        this.endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
        this.client = S3Client.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .region(Region.of(REGION))
                .credentialsProvider(CREDENTIALS)
                .endpointOverride(endpoint)
                .forcePathStyle(true)
                .build();
    }

    public static LocalS3 start(String... buckets) throws Exception {
        var credentials = CREDENTIALS.resolveCredentials();
        var store = new RecordingBlobStore(BlobStores.create("transient", new Properties()));
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(store)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, credentials.accessKeyId(),
                        credentials.secretAccessKey())
                .build();
        proxy.start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                proxy.stop();
                throw new IllegalStateException("S3Proxy did not start within 10 s");
            }
            Thread.sleep(10);
        }
        var s3 = new LocalS3(proxy, store);
        for (String bucket : buckets) {
            s3.client.createBucket(b -> b.bucket(bucket));
        }
        return s3;
    }

    public URI endpoint() {
        return endpoint;
    }

    public S3Client client() {
        return client;
    }

    /** What S3Proxy was asked for: every GetObject with its Range, every ListObjectsV2. */
    public RecordingBlobStore requests() {
        return store;
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
