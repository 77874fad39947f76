package dev.videolinks;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The Java side of bench/cold: one cold process that runs the deployable's real {@link VideoCompletionHandler}
 * (its no-argument constructor, so configuration and credentials come from the environment as on Lambda) on
 * one event file, then exits. Its classpath is the Lambda package (target/classes + target/lambda/lib) plus
 * this class alone, which {@code ColdStartBenchmark} copies out of the test classes.
 */
public final class ColdMain {

    private ColdMain() {}

    public static void main(String[] args) throws Exception {
        try (InputStream event = Files.newInputStream(Path.of(args[0]))) {
            new VideoCompletionHandler().handleRequest(event, System.out, new ColdContext());
        }
        System.out.println();
        System.out.flush();
    }

    /** The least a Lambda context has to say: a request id and the time left. */
    private record ColdContext() implements Context {
        @Override public String getAwsRequestId() { return "cold-" + ProcessHandle.current().pid(); }
        @Override public String getLogGroupName() { return "/aws/lambda/video-links-cold"; }
        @Override public String getLogStreamName() { return "cold"; }
        @Override public String getFunctionName() { return "video-links-cold"; }
        @Override public String getFunctionVersion() { return "$LATEST"; }
        @Override public String getInvokedFunctionArn() { return "arn:aws:lambda:us-east-1:123456789012:function:video-links-cold"; }
        @Override public CognitoIdentity getIdentity() { return null; }
        @Override public ClientContext getClientContext() { return null; }
        @Override public int getRemainingTimeInMillis() { return 60_000; }
        @Override public int getMemoryLimitInMB() { return 1024; }

        @Override
        public LambdaLogger getLogger() {
            return new LambdaLogger() {
                @Override public void log(String message) { System.err.println(message); }
                @Override public void log(byte[] message) { System.err.println(new String(message, StandardCharsets.UTF_8)); }
            };
        }
    }
}
