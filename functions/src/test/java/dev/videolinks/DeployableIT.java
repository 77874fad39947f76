package dev.videolinks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Lambda package as `sam build` assembles it (classes plus runtime jars, built by `package` into
 * target/video-links-lambda.zip): it holds the handlers and none of the test servers or heavy HTTP clients.
 */
class DeployableIT {

    static final Path ZIP = Path.of("functions", "target", "video-links-lambda.zip");
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
            "com/fasterxml/jackson/databind/",            // the functions use jackson-jr (see Json)
            "com/fasterxml/jackson/annotation/",
            "software/amazon/awssdk/services/ssm/",       // the private key comes from Secrets Manager
            "com/amazonaws/services/lambda/runtime/events/S3",  // of the events jar only the HTTP API's two classes ship
            "software/amazon/awssdk/services/cloudfront/DefaultCloudFrontClient",  // the CloudFront API client:
            "software/amazon/awssdk/services/cloudfront/transform/");            // only its signing classes ship

    /**
     * The package budget: 12,333,538 bytes when it was set, 12,400,820 with the facts package's codec details and
     * its browser-support table (59 KB of it), the goal being 12,000,000 (BENCHMARKS.md "Size" has what each jar
     * weighs and what is left to reach it).
     */
    static final long MAX_BYTES = 12_450_000;

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
        assertTrue(classes.containsAll(List.of("com/amazonaws/services/lambda/runtime/events/APIGatewayV2HTTPEvent.class",
                "com/amazonaws/services/lambda/runtime/events/APIGatewayV2HTTPEvent$RequestContext$Authorizer$JWT.class",
                "com/amazonaws/services/lambda/runtime/events/APIGatewayV2HTTPResponse.class")));
        var forbidden = classes.stream().filter(name -> FORBIDDEN.stream().anyMatch(name::startsWith)).limit(5).toList();
        assertEquals(List.of(), forbidden);
        long bytes = Files.size(ZIP);
        System.out.printf("Lambda package %s: %.1f MB, %d entries%n", ZIP, bytes / 1e6, classes.size());
        assertTrue(bytes <= MAX_BYTES, "Lambda package is " + bytes + " bytes, more than " + MAX_BYTES);
    }

    /** The package unpacked into {@code unpacked}, loaded by itself: its root and lib/, nothing of the build's classpath. */
    static URLClassLoader packageAlone(Path unpacked) throws IOException {
        var urls = new ArrayList<URL>();
        urls.add(unpacked.toUri().toURL());
        try (var zip = new ZipFile(ZIP.toFile())) {
            for (ZipEntry entry : zip.stream().toList()) {
                Path target = unpacked.resolve(entry.getName()).normalize();
                assertTrue(target.startsWith(unpacked), entry.getName());
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                    continue;
                }
                Files.createDirectories(target.getParent());
                try (InputStream in = zip.getInputStream(entry)) {
                    Files.copy(in, target);
                }
                if (entry.getName().startsWith("lib/") && entry.getName().endsWith(".jar")) {
                    urls.add(target.toUri().toURL());
                }
            }
        }
        return new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
    }

    /**
     * The URL API reads its HTTP API event with the package's classes alone: Lambda's own event reader would need
     * Joda-Time, which the package leaves out (aws-lambda-java-libs#72).
     */
    @Test
    void lambdaZip_readsAnHttpApiEventAndWritesItsAnswerWithItsOwnClassesAlone(@TempDir Path unpacked) throws Exception {
        try (var lambda = packageAlone(unpacked)) {
            assertThrows(ClassNotFoundException.class, () -> lambda.loadClass("org.joda.time.DateTime"));
            Class<?> events = lambda.loadClass("dev.videolinks.HttpApiEvents");
            var read = events.getDeclaredMethod("read", InputStream.class);
            read.setAccessible(true);
            Object event;
            try (InputStream json = Files.newInputStream(Path.of("events", "api-get-job.json"))) {
                event = read.invoke(null, json);
            }
            assertEquals(lambda, event.getClass().getClassLoader());
            assertEquals("GET /videos/{jobId}", event.getClass().getMethod("getRouteKey").invoke(event));
            assertEquals(Map.of("jobId", "cmh3lmwiy0001ggy4xovsxj8h"), event.getClass().getMethod("getPathParameters").invoke(event));

            Class<?> responseType = lambda.loadClass("com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse");
            Object response = responseType.getConstructor().newInstance();
            responseType.getMethod("setStatusCode", int.class).invoke(response, 404);
            responseType.getMethod("setBody", String.class).invoke(response, "{}");
            var write = events.getDeclaredMethod("write", responseType, java.io.OutputStream.class);
            write.setAccessible(true);
            var answer = new java.io.ByteArrayOutputStream();
            write.invoke(null, response, answer);
            assertEquals("{\"statusCode\":404,\"body\":\"{}\",\"isBase64Encoded\":false}",
                    answer.toString(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    /**
     * The package carries only the SDK's CloudFront signing classes: a CloudFront URL signed with the package's
     * classes alone (a class loader over its root and lib/, nothing of the build's classpath) must verify.
     */
    @Test
    void lambdaZip_signsACloudFrontUrlWithItsOwnClassesAlone(@TempDir Path unpacked) throws Exception {
        KeyPair keys = TestKeyPairs.rsa();
        try (var lambda = packageAlone(unpacked)) {
            Class<?> signerType = lambda.loadClass("dev.videolinks.CloudFrontUrlSigner");
            Class<?> videoType = lambda.loadClass("dev.videolinks.Video");
            @SuppressWarnings({"unchecked", "rawtypes"})
            Object inline = Enum.valueOf((Class) lambda.loadClass("dev.videolinks.UrlSigner$Disposition"), "INLINE");
            var constructor = signerType.getDeclaredConstructor(String.class, String.class, Supplier.class, Clock.class);
            constructor.setAccessible(true);
            Supplier<PrivateKey> privateKey = keys::getPrivate;
            Object signer = constructor.newInstance("d111111abcdef8.cloudfront.net", "K2JCJMDEHXQW5F", privateKey, Clock.systemUTC());
            // The constructor of a video whose facts and poster are not known: its first twelve components.
            var videoConstructor = java.util.Arrays.stream(videoType.getDeclaredConstructors())
                    .filter(c -> c.getParameterCount() == 12).findFirst().orElseThrow();
            videoConstructor.setAccessible(true);
            Object video = videoConstructor.newInstance("j", "u", 1, "videos", "generated_videos/u/j/clip.mp4", "e1", null,
                    1L, "video/mp4", Map.of(), "01", Instant.EPOCH);
            var sign = signerType.getDeclaredMethod("sign", videoType, Duration.class, inline.getClass());
            sign.setAccessible(true);
            Object signed = sign.invoke(signer, video, Duration.ofHours(1), inline);
            var url = signed.getClass().getDeclaredMethod("url");
            url.setAccessible(true);

            assertEquals(lambda, signerType.getClassLoader());
            assertEquals(lambda, lambda.loadClass("software.amazon.awssdk.services.cloudfront.CloudFrontUtilities").getClassLoader());
            assertTrue(SignedCloudFrontUrl.parse((URI) url.invoke(signed)).verifiesWith(keys.getPublic()));
        }
    }
}
