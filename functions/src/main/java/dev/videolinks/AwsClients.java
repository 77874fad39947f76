package dev.videolinks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Builds the SDK clients, once per environment and only those a function uses (an unused S3 client is class
 * loading paid at every cold start): the URLConnection HTTP client (no Netty, no Apache) with bounded
 * connect, read and call timeouts, and the local endpoints (path-style for S3) when {@code AWS_ENDPOINT_URL_*} are set.
 */
final class AwsClients {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(5);

    private final Config config;
    private final AwsCredentialsProvider credentials;
    private final SdkHttpClient http;
    private final ClientOverrideConfiguration overrides;
    private final UnaryOperator<DynamoDbClient> dynamoDbHook;
    private final Region region;

    AwsClients(Config config, AwsCredentialsProvider credentials) {
        this(config, credentials, overrides -> { });
    }

    /** With extra client settings, e.g. an interceptor that stops every call before it is sent (priming). */
    AwsClients(Config config, AwsCredentialsProvider credentials, Consumer<ClientOverrideConfiguration.Builder> extra) {
        this(config, credentials, extra, UnaryOperator.identity());
    }

    /**
     * With extra client settings and a hook that may stand in for the DynamoDB client it built: the test seam of
     * {@link Wiring#withClientHooks}.
     */
    AwsClients(Config config, AwsCredentialsProvider credentials, Consumer<ClientOverrideConfiguration.Builder> extra,
            UnaryOperator<DynamoDbClient> dynamoDbHook) {
        this.config = config;
        this.dynamoDbHook = dynamoDbHook;
        this.credentials = credentials;
        this.http = UrlConnectionHttpClient.create(AwsClients::connection);
        var builder = ClientOverrideConfiguration.builder()
                .apiCallTimeout(Duration.ofSeconds(10))
                .apiCallAttemptTimeout(Duration.ofSeconds(4));
        extra.accept(builder);
        this.overrides = builder.build();
        this.region = Region.of(config.region());
    }

    /**
     * A connection with bounded connect and read waits. HTTPS uses the JDK's default TLS context, set up at
     * the first HTTPS connection or by {@link Priming}; the SDK's own connection factory would load the trust
     * store whenever a client is built, even for plain-HTTP local endpoints (about 25 ms of every cold start).
     */
    static HttpURLConnection connection(URI uri) {
        HttpURLConnection connection;
        try {
            connection = (HttpURLConnection) uri.toURL().openConnection();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        connection.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
        connection.setReadTimeout((int) READ_TIMEOUT.toMillis());
        return connection;
    }

    /** A new S3 client: path-style when {@code AWS_ENDPOINT_URL_S3} points at a local endpoint. */
    S3Client s3() {
        var s3 = S3Client.builder()
                .httpClient(http)
                .region(region)
                .credentialsProvider(credentials)
                .overrideConfiguration(overrides)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .forcePathStyle(config.s3Endpoint() != null);
        if (config.s3Endpoint() != null) {
            s3.endpointOverride(config.s3Endpoint());
        }
        return s3.build();
    }

    /** A new presigner; it signs locally and sends nothing. */
    S3Presigner presigner() {
        var presigner = S3Presigner.builder()
                .region(region)
                .credentialsProvider(credentials)
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(config.s3Endpoint() != null).build());
        if (config.s3Endpoint() != null) {
            presigner.endpointOverride(config.s3Endpoint());
        }
        return presigner.build();
    }

    /**
     * A new Secrets Manager client, for CloudFront mode's private key: the endpoint of
     * {@code AWS_ENDPOINT_URL_SECRETS_MANAGER} when set.
     */
    SecretsManagerClient secretsManager() {
        var secrets = SecretsManagerClient.builder()
                .httpClient(http)
                .region(region)
                .credentialsProvider(credentials)
                .overrideConfiguration(overrides);
        if (config.signing().cloudFront() != null && config.signing().cloudFront().secretsManagerEndpoint() != null) {
            secrets.endpointOverride(config.signing().cloudFront().secretsManagerEndpoint());
        }
        return secrets.build();
    }

    /** A new DynamoDB client. */
    DynamoDbClient dynamoDb() {
        var dynamoDb = DynamoDbClient.builder()
                .httpClient(http)
                .region(region)
                .credentialsProvider(credentials)
                .overrideConfiguration(overrides);
        if (config.dynamoDbEndpoint() != null) {
            dynamoDb.endpointOverride(config.dynamoDbEndpoint());
        }
        return dynamoDbHook.apply(dynamoDb.build());
    }
}
