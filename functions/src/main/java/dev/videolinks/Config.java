package dev.videolinks;

import java.net.URI;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Everything the functions read from their environment (SPEC §5), validated once at start. A bad value fails
 * the start with one line naming the variable and what it expects.
 */
public record Config(
        String region,
        String bucket,
        String prefix,
        String table,
        Duration urlTtl,
        Duration urlMaxTtl,
        URI s3Endpoint,
        URI dynamoDbEndpoint,
        Signing signing) {

    /** SigV4 presigned URLs cannot live longer than seven days. */
    static final Duration PRESIGN_LIMIT = Duration.ofDays(7);
    /** CloudFront sets no limit; a year is already a long-lived bearer token. */
    static final Duration CLOUDFRONT_LIMIT = Duration.ofDays(365);

    /** What every function reads. */
    public static Config fromEnv(Map<String, String> env) {
        var reader = new Reader(env);
        Signer signer = reader.choice("URL_SIGNER", "S3", Signer.class, "S3 or CloudFront");
        Duration urlMaxTtl = reader.duration("URL_MAX_TTL", "PT12H", Duration.ofMinutes(1),
                signer == Signer.CLOUDFRONT ? CLOUDFRONT_LIMIT : PRESIGN_LIMIT);
        return new Config(
                reader.required("AWS_REGION", "the AWS region, set by Lambda"),
                reader.required("VIDEO_BUCKET", "the name of the bucket that holds the videos"),
                reader.prefix("VIDEO_PREFIX", "generated_videos/"),
                reader.required("VIDEO_TABLE", "the name of the DynamoDB table"),
                reader.duration("URL_TTL", "PT1H", Duration.ofMinutes(1), urlMaxTtl),
                urlMaxTtl,
                reader.httpUrl("AWS_ENDPOINT_URL_S3"),
                reader.httpUrl("AWS_ENDPOINT_URL_DYNAMODB"),
                new Signing(signer, reader.duration("URL_STABLE_FOR", "PT15M", Duration.ZERO, Duration.ofDays(1)),
                        signer == Signer.CLOUDFRONT ? CloudFront.read(reader) : null));
    }

    /** Who signs the URLs (SPEC §4). */
    public enum Signer { S3, CLOUDFRONT }

    /** How URLs are signed: by whom, how long a signed URL may be handed out again (0: never), CloudFront's parts. */
    public record Signing(Signer signer, Duration stableFor, CloudFront cloudFront) {}

    /** CloudFront mode: the distribution, the public key's id, the secret that holds the private key (never the key). */
    public record CloudFront(String domain, String keyPairId, String privateKeySecret, URI secretsManagerEndpoint) {

        private static final Pattern DOMAIN = Pattern.compile(
                "(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+");
        private static final Pattern KEY_ID = Pattern.compile("[A-Z0-9]{1,128}");
        private static final Pattern SECRET = Pattern.compile("[A-Za-z0-9/_+=.@:-]{1,2048}");

        static CloudFront read(Reader reader) {
            return new CloudFront(
                    reader.matching("CLOUDFRONT_DOMAIN", DOMAIN,
                            "a host name like d111111abcdef8.cloudfront.net (no scheme, no path)"),
                    reader.matching("CLOUDFRONT_KEY_PAIR_ID", KEY_ID,
                            "the id of a public key in the distribution's key group, like K2JCJMDEHXQW5F"),
                    reader.matching("CLOUDFRONT_PRIVATE_KEY_SECRET", SECRET,
                            "the name or ARN of the Secrets Manager secret that holds the private key, like video-links/cloudfront-key-a"),
                    reader.httpUrl("AWS_ENDPOINT_URL_SECRETS_MANAGER"));
        }
    }

    /** What the functions that send webhooks (completion, redelivery) read besides. */
    public record Webhook(URI url, List<String> secrets, Duration timeout, Duration giveUpAfter) {

        public Webhook {
            secrets = List.copyOf(secrets);
        }

        public static Webhook fromEnv(Map<String, String> env) {
            var reader = new Reader(env);
            URI url = reader.httpUrl("WEBHOOK_URL");
            if (url == null) {
                throw Reader.invalid("WEBHOOK_URL", "is required: the http(s) URL that receives completion webhooks");
            }
            return new Webhook(url,
                    reader.secrets("WEBHOOK_SECRET"),
                    reader.duration("WEBHOOK_TIMEOUT", "PT10S", Duration.ofSeconds(1), Duration.ofMinutes(5)),
                    reader.duration("WEBHOOK_GIVE_UP_AFTER", "PT24H", Duration.ofMinutes(1), Duration.ofDays(14)));
        }
    }

    /** What the URL API reads besides. */
    public record Api(AuthMode authMode, String ownerClaim) {

        public enum AuthMode { JWT, IAM }

        public static Api fromEnv(Map<String, String> env) {
            var reader = new Reader(env);
            return new Api(reader.choice("AUTH_MODE", "JWT", AuthMode.class, "JWT or IAM"), reader.optional("OWNER_CLAIM", "sub"));
        }
    }

    private record Reader(Map<String, String> env) {

        String optional(String name, String fallback) {
            String value = env.get(name);
            return value == null || value.isBlank() ? fallback : value.strip();
        }

        String required(String name, String meaning) {
            String value = optional(name, null);
            if (value == null) {
                throw invalid(name, "is required: " + meaning);
            }
            return value;
        }

        String prefix(String name, String fallback) {
            String value = optional(name, fallback);
            if (!value.endsWith("/") || value.startsWith("/")) {
                throw invalid(name, "must be a key prefix ending in '/' (like generated_videos/), got '" + value + "'");
            }
            return value;
        }

        URI httpUrl(String name) {
            String value = optional(name, null);
            if (value == null) {
                return null;
            }
            try {
                URI uri = URI.create(value);
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                    return uri;
                }
            } catch (IllegalArgumentException e) {
                // reported below
            }
            throw invalid(name, "must be an absolute http(s) URL");
        }

        Duration duration(String name, String fallback, Duration min, Duration max) {
            String value = optional(name, fallback);
            Duration duration;
            try {
                duration = Duration.parse(value);
            } catch (DateTimeParseException e) {
                throw invalid(name, "must be an ISO-8601 duration like " + fallback + ", got '" + value + "'");
            }
            if (duration.compareTo(min) < 0 || duration.compareTo(max) > 0) {
                throw invalid(name, "must be between " + min + " and " + max + ", got " + value);
            }
            return duration;
        }

        List<String> secrets(String name) {
            String value = optional(name, "");
            List<String> secrets = Arrays.stream(value.split("\\s+")).filter(s -> !s.isEmpty()).toList();
            for (String secret : secrets) {
                if (!secret.startsWith("whsec_") || !isBase64(secret.substring("whsec_".length()))) {
                    throw invalid(name, "must be space-separated secrets of the form whsec_<base64>");
                }
            }
            return secrets;
        }

        /** One of an enum's constants, named in any case. */
        <E extends Enum<E>> E choice(String name, String fallback, Class<E> type, String choices) {
            String value = optional(name, fallback);
            try {
                return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw invalid(name, "must be " + choices + ", got '" + value + "'");
            }
        }

        String matching(String name, Pattern pattern, String meaning) {
            String value = optional(name, null);
            if (value == null) {
                throw invalid(name, "is required when URL_SIGNER is CloudFront: " + meaning);
            }
            if (!pattern.matcher(value).matches()) {
                throw invalid(name, "must be " + meaning + ", got '" + value + "'");
            }
            return value;
        }

        private static boolean isBase64(String text) {
            try {
                return Base64.getDecoder().decode(text).length > 0;
            } catch (IllegalArgumentException e) {
                return false;
            }
        }

        static IllegalArgumentException invalid(String name, String expectation) {
            return new IllegalArgumentException(name + " " + expectation);
        }
    }
}
