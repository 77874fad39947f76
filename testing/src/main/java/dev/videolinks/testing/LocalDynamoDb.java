package dev.videolinks.testing;

import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBRequestHandler;
import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBServerHandler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;

/**
 * DynamoDB Local in this JVM, on 127.0.0.1 only: its request handler behind a Jetty bound to loopback (its own
 * ServerRunner binds every interface and prints its settings on stdout). In memory, or kept in a directory so
 * that it can be stopped and started again. One database whatever the caller's region and access key.
 */
public final class LocalDynamoDb implements AutoCloseable {

    private final Server server;
    private final LocalDynamoDBServerHandler handler;
    private final URI endpoint;
    private final DynamoDbClient client;

    private LocalDynamoDb(Server server, LocalDynamoDBServerHandler handler, int port, StaticCredentialsProvider credentials,
            String region) {
        this.server = server;
        this.handler = handler;
        this.endpoint = URI.create("http://127.0.0.1:" + port);
        this.client = DynamoDbClient.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .region(Region.of(region))
                .credentialsProvider(credentials)
                .endpointOverride(endpoint)
                .build();
    }

    /** In memory, on a free port, for the tests' credentials. */
    public static LocalDynamoDb start() throws Exception {
        return start(0, null, LocalS3.CREDENTIALS, LocalS3.REGION);
    }

    /** Kept on disk in {@code dataDir}, so that it can be stopped and started again on the same port. */
    public static LocalDynamoDb start(int port, Path dataDir) throws Exception {
        return start(port, dataDir, LocalS3.CREDENTIALS, LocalS3.REGION);
    }

    /** On {@code port} (0: a free one), in memory when {@code dataDir} is null; its client signs as given. */
    public static LocalDynamoDb start(int port, Path dataDir, StaticCredentialsProvider credentials, String region)
            throws Exception {
        if (dataDir != null) {
            Files.createDirectories(dataDir);
        }
        var handler = new LocalDynamoDBServerHandler(new LocalDynamoDBRequestHandler(0, dataDir == null,
                dataDir == null ? null : dataDir.toString(), true, false), null);
        var server = new Server();
        var connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        var context = new ContextHandler();
        context.setHandler(handler);
        server.setHandler(context);
        server.start();
        return new LocalDynamoDb(server, handler, connector.getLocalPort(), credentials, region);
    }

    public URI endpoint() {
        return endpoint;
    }

    public DynamoDbClient client() {
        return client;
    }

    /** Creates a table with the key schema and indexes of the template's {@code VideoTable}. */
    public void createVideoTable(String name) {
        createTable(Template.load().resourceProperties("VideoTable"), name);
    }

    /** Creates a table from an {@code AWS::DynamoDB::Table}'s properties, unless one of that name is there. */
    public void createTable(java.util.Map<String, Object> properties, String name) {
        try {
            client.createTable(TableDefinition.from(properties, name));
        } catch (ResourceInUseException alreadyThere) {
            // kept from an earlier run in the data directory
        }
    }

    /** Stops the server, keeping the client: a test can then watch its calls fail. */
    public void stop() throws Exception {
        server.stop();
        handler.close();
    }

    @Override
    public void close() throws Exception {
        client.close();
        stop();
    }

    public static int freePort() throws IOException {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
