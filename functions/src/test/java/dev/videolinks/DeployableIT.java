package dev.videolinks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

/**
 * The Lambda package as `sam build` assembles it (classes plus runtime jars, built by `package` into
 * target/video-links-lambda.zip): it holds the handlers and none of the test servers or heavy HTTP clients.
 */
class DeployableIT {

    static final Path ZIP = Path.of("target", "video-links-lambda.zip");
    static final List<String> FORBIDDEN = List.of(
            "org/gaul/",                                  // S3Proxy
            "com/amazonaws/services/dynamodbv2/local/",   // DynamoDB Local
            "io/netty/",                                  // Netty
            "org/apache/http/",                           // Apache HTTP client 4
            "org/apache/hc/",                             // Apache HTTP client 5
            "software/amazon/awssdk/http/apache",
            "software/amazon/awssdk/http/nio/netty",
            "org/eclipse/jetty/",
            "com/standardwebhooks/",
            "org/junit/",
            "org/yaml/snakeyaml/",
            "com/fasterxml/jackson/databind/",            // the functions use jackson-core alone (see Json)
            "com/fasterxml/jackson/annotation/");

    /** The package budget: without jackson-databind it is about 11.9 MB. */
    static final long MAX_BYTES = 12_000_000;

    @Test
    void lambdaZip_containsHandlersAndNothingForbidden() throws IOException {
        var classes = new ArrayList<String>();
        try (var zip = new ZipFile(ZIP.toFile())) {
            for (ZipEntry entry : zip.stream().toList()) {
                if (entry.getName().endsWith(".jar")) {
                    try (InputStream in = zip.getInputStream(entry); var jar = new ZipInputStream(in)) {
                        for (ZipEntry inner; (inner = jar.getNextEntry()) != null; ) {
                            classes.add(inner.getName());
                        }
                    }
                } else {
                    classes.add(entry.getName());
                }
            }
        }

        assertTrue(classes.contains("dev/videolinks/VideoCompletionHandler.class"));
        var forbidden = classes.stream().filter(name -> FORBIDDEN.stream().anyMatch(name::startsWith)).limit(5).toList();
        assertEquals(List.of(), forbidden);
        long bytes = Files.size(ZIP);
        System.out.printf("Lambda package %s: %.1f MB, %d entries%n", ZIP, bytes / 1e6, classes.size());
        assertTrue(bytes <= MAX_BYTES, "Lambda package is " + bytes + " bytes, more than " + MAX_BYTES);
    }
}
