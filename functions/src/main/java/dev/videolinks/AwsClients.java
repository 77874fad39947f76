package dev.videolinks;

import java.time.Duration;
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

/**
 * The SDK clients, built once per environment: the URLConnection HTTP client (no Netty, no Apache), bounded
 * call timeouts, and the local endpoints (path-style for S3) when {@code AWS_ENDPOINT_URL_*} are set.
 */
record AwsClients(S3Client s3, S3Presigner presigner, DynamoDbClient dynamoDb) {

    static AwsClients create(Config config, AwsCredentialsProvider credentials) {
        return create(config, credentials, overrides -> { });
    }

    /** With extra client settings, e.g. an interceptor that stops every call before it is sent (priming). */
    static AwsClients create(Config config, AwsCredentialsProvider credentials,
            java.util.function.Consumer<ClientOverrideConfiguration.Builder> extra) {
        SdkHttpClient http = UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(2))
                .socketTimeout(Duration.ofSeconds(5))
                .build();
        var overrides = ClientOverrideConfiguration.builder()
                .apiCallTimeout(Duration.ofSeconds(10))
                .apiCallAttemptTimeout(Duration.ofSeconds(4));
        extra.accept(overrides);
        var timeouts = overrides.build();
        Region region = Region.of(config.region());
        boolean localS3 = config.s3Endpoint() != null;

        var s3 = S3Client.builder()
                .httpClient(http)
                .region(region)
                .credentialsProvider(credentials)
                .overrideConfiguration(timeouts)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .forcePathStyle(localS3);
        var presigner = S3Presigner.builder()
                .region(region)
                .credentialsProvider(credentials)
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(localS3).build());
        var dynamoDb = DynamoDbClient.builder()
                .httpClient(http)
                .region(region)
                .credentialsProvider(credentials)
                .overrideConfiguration(timeouts);
        if (localS3) {
            s3.endpointOverride(config.s3Endpoint());
            presigner.endpointOverride(config.s3Endpoint());
        }
        if (config.dynamoDbEndpoint() != null) {
            dynamoDb.endpointOverride(config.dynamoDbEndpoint());
        }
        return new AwsClients(s3.build(), presigner.build(), dynamoDb.build());
    }
}
