package dev.videolinks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.net.URI;
import javax.net.ssl.HttpsURLConnection;
import org.junit.jupiter.api.Test;

/**
 * The SDK's connections leave TLS to the JDK's default context, set up when first needed (or by priming), and
 * keep their bounded waits. Nothing here connects.
 */
class LazyTlsTest {

    @Test
    void sdkConnection_boundedWaits() {
        var connection = AwsClients.connection(URI.create("http://127.0.0.1:9/"));
        assertEquals(2_000, connection.getConnectTimeout());
        assertEquals(5_000, connection.getReadTimeout());
    }

    @Test
    void sdkConnection_httpsUsesTheJdkDefaultTls() {
        var connection = AwsClients.connection(URI.create("https://dynamodb.eu-north-1.amazonaws.com/"));
        var https = assertInstanceOf(HttpsURLConnection.class, connection);
        assertSame(HttpsURLConnection.getDefaultSSLSocketFactory(), https.getSSLSocketFactory());
        assertEquals(5_000, https.getReadTimeout());
    }
}
