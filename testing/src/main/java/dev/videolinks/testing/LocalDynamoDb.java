package dev.videolinks.testing;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** DynamoDB Local in this JVM, in memory, over HTTP on a free loopback port; tables as template.yaml declares. */
public final class LocalDynamoDb implements AutoCloseable {

    private final DynamoDBProxyServer server;
    private final URI endpoint;
    private final DynamoDbClient client;

    private LocalDynamoDb(DynamoDBProxyServer server, int port) {
        this.server = server;
        this.endpoint = URI.create("http://127.0.0.1:" + port);
        this.client = DynamoDbClient.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .region(Region.of(LocalS3.REGION))
                .credentialsProvider(LocalS3.CREDENTIALS)
                .endpointOverride(endpoint)
                .build();
    }

    public static LocalDynamoDb start() throws Exception {
        int port = freePort();
        DynamoDBProxyServer server = ServerRunner.createServerFromCommandLineArgs(new String[] {
                "-inMemory", "-port", Integer.toString(port), "-disableTelemetry"});
        server.start();
        return new LocalDynamoDb(server, port);
    }

    /** Kept on disk in {@code dataDir}, so that it can be stopped and started again on the same port. */
    public static LocalDynamoDb start(int port, java.nio.file.Path dataDir) throws Exception {
        DynamoDBProxyServer server = ServerRunner.createServerFromCommandLineArgs(new String[] {
                "-dbPath", dataDir.toString(), "-sharedDb", "-port", Integer.toString(port), "-disableTelemetry"});
        server.start();
        return new LocalDynamoDb(server, port);
    }

    public URI endpoint() {
        return endpoint;
    }

    public DynamoDbClient client() {
        return client;
    }

    /** Creates a table with the key schema and indexes of the template's {@code VideoTable}. */
    public void createVideoTable(String name) {
        client.createTable(TableDefinition.from(Template.load().resourceProperties("VideoTable"), name));
    }

    public void stop() throws Exception {
        server.stop();
    }

    @Override
    public void close() throws Exception {
        client.close();
        server.stop();
    }

    public static int freePort() throws IOException {
        try (var socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
