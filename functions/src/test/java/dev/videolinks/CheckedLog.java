package dev.videolinks;

import java.util.List;

/**
 * The log sink of every handler under test: keeps the lines and fails at once on a line that holds a
 * presigned or CloudFront signed URL's signature, a private key or a webhook secret.
 */
final class CheckedLog {

    static final List<String> FORBIDDEN = List.of("X-Amz-Signature", "X-Amz-Credential", "X-Amz-Security-Token",
            "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "localdummysecretforexampleonly00", "localtestsecret",
            "&Signature=", "Key-Pair-Id=", "PRIVATE KEY");

    private CheckedLog() {}

    static Log into(List<String> lines) {
        return Log.to(line -> {
            for (String secret : FORBIDDEN) {
                if (line.contains(secret)) {
                    throw new AssertionError("a log line holds '" + secret + "': " + line);
                }
            }
            lines.add(line);
        });
    }
}
