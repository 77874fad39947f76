package dev.videolinks;

import dev.videolinks.testing.LocalTemplate;
import dev.videolinks.testing.Template;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;

/**
 * template.yaml's two ways to sign, resolved as CloudFormation would deploy them for given parameters (intrinsics
 * and conditions evaluated with local values by {@link LocalTemplate}): what each function may do, what the
 * bucket lets CloudFront do, and what the distribution caches.
 */
class CloudFrontTemplateTest {

    static final String REGION = "eu-north-1";
    static final String SECRET = "video-links/cloudfront-key-a";
    /** Any version of the secret: its ARN ends in six random characters after the name. */
    static final String SECRET_ARN = "arn:aws:secretsmanager:" + REGION + ":local:secret:" + SECRET + "-??????";
    static final String KMS_KEY = "arn:aws:kms:" + REGION + ":123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    static final String PEM_A = "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAa\n-----END PUBLIC KEY-----\n";
    static final String PEM_B = "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAb\n-----END PUBLIC KEY-----\n";
    static final List<String> FUNCTIONS = List.of("VideoCompletionFunction", "VideoUrlFunction", "WebhookRedeliveryFunction");

    final Template template = Template.load();

    LocalTemplate deployed(Map<String, String> parameters) {
        return new LocalTemplate(template, parameters, REGION);
    }

    static Map<String, String> cloudFront(String... more) {
        var parameters = new HashMap<>(Map.of("UrlSigning", "CloudFront", "CloudFrontPublicKeyA", PEM_A,
                "CloudFrontPrivateKeySecret", SECRET));
        for (int i = 0; i < more.length; i += 2) {
            parameters.put(more[i], more[i + 1]);
        }
        return parameters;
    }

    /** Every statement of a function's policies, as deployed. */
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> statements(LocalTemplate deployed, String function) {
        var statements = new ArrayList<Map<String, Object>>();
        for (Object policy : (List<Object>) template.resourceProperties(function).get("Policies")) {
            var resolved = (Map<String, Object>) deployed.resolveAll(policy);
            statements.addAll((List<Map<String, Object>>) resolved.get("Statement"));
        }
        return statements;
    }

    static List<String> list(Object value) {
        return value instanceof List<?> many ? many.stream().map(String::valueOf).toList() : List.of(String.valueOf(value));
    }

    static List<String> actions(List<Map<String, Object>> statements, String service) {
        return statements.stream().flatMap(s -> list(s.get("Action")).stream()).filter(a -> a.startsWith(service + ":")).toList();
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> properties(LocalTemplate deployed, String resource) {
        return (Map<String, Object>) deployed.resolveAll(template.resourceProperties(resource));
    }

    @Test
    void parameters_s3IsTheDefaultAndStableForMatchesTheCode() {
        var parameters = template.section("Parameters");
        var signing = (Map<?, ?>) parameters.get("UrlSigning");

        assertEquals("S3", signing.get("Default"));
        assertEquals(List.of("S3", "CloudFront"), signing.get("AllowedValues"));
        assertEquals(Config.fromEnv(Map.of("AWS_REGION", REGION, "VIDEO_BUCKET", "b", "VIDEO_TABLE", "t")).signing().stableFor(),
                java.time.Duration.parse(String.valueOf(((Map<?, ?>) parameters.get("UrlStableFor")).get("Default"))));
    }

    /** S3 mode, the default, deploys what it deployed before: no CloudFront resource, the same statements. */
    @Test
    void s3Mode_noCloudFrontResourceAndTheSamePoliciesAsBefore() {
        var deployed = deployed(Map.of());

        template.resources().forEach((id, resource) -> {
            if (String.valueOf(resource.get("Type")).startsWith("AWS::CloudFront::")) {
                assertFalse(deployed.isCreated(id), id + " is created in S3 mode");
            }
        });
        var sids = new LinkedHashMap<String, List<String>>();
        FUNCTIONS.forEach(f -> sids.put(f, statements(deployed, f).stream().map(s -> String.valueOf(s.get("Sid"))).toList()));
        assertEquals(Map.of(
                "VideoCompletionFunction", List.of("ReadAndSignVideos", "SeeDeletedVideosAsMissing", "RecordVideosAndDeliveries"),
                "VideoUrlFunction", List.of("SignVideoUrls", "ReadJobs"),
                "WebhookRedeliveryFunction", List.of("SignVideoUrls", "FindDueDeliveries", "LeaseAndRecordDeliveries")), sids);
        var bucketPolicy = (Map<?, ?>) properties(deployed, "VideoBucketPolicy").get("PolicyDocument");
        assertEquals(1, ((List<?>) bucketPolicy.get("Statement")).size());
        FUNCTIONS.forEach(f -> {
            var env = deployed.environment(f);
            assertEquals("S3", env.get("URL_SIGNER"));
            assertEquals("", env.get("CLOUDFRONT_DOMAIN") + env.get("CLOUDFRONT_KEY_PAIR_ID") + env.get("CLOUDFRONT_PRIVATE_KEY_SECRET"));
        });
    }

    @Test
    void cloudFrontMode_eachSigningFunctionMayReadOnlyItsKeySecret() {
        var deployed = deployed(cloudFront());

        for (String function : FUNCTIONS) {
            var secrets = statements(deployed, function).stream().filter(s -> !actions(List.of(s), "secretsmanager").isEmpty()).toList();
            assertEquals(1, secrets.size(), function);
            assertEquals(List.of("secretsmanager:GetSecretValue"), list(secrets.getFirst().get("Action")), function);
            assertEquals(List.of(SECRET_ARN), list(secrets.getFirst().get("Resource")), function);
            assertEquals(List.of(), actions(statements(deployed, function), "kms"), function + ": aws/secretsmanager needs no KMS grant");
        }
    }

    /** With a key of its own, Decrypt only through Secrets Manager, and only for this secret (its encryption context). */
    @Test
    void cloudFrontModeWithKmsKey_decryptOnlyThroughSecretsManagerForThisSecret() {
        var deployed = deployed(cloudFront("CloudFrontPrivateKeyKmsKeyArn", KMS_KEY));

        for (String function : FUNCTIONS) {
            var kms = statements(deployed, function).stream().filter(s -> !actions(List.of(s), "kms").isEmpty()).toList();
            assertEquals(1, kms.size(), function);
            assertEquals(List.of("kms:Decrypt"), list(kms.getFirst().get("Action")), function);
            assertEquals(List.of(KMS_KEY), list(kms.getFirst().get("Resource")), function);
            assertEquals(Map.of("StringEquals", Map.of("kms:ViaService", "secretsmanager." + REGION + ".amazonaws.com"),
                    "StringLike", Map.of("kms:EncryptionContext:SecretARN", SECRET_ARN)), kms.getFirst().get("Condition"), function);
        }
    }

    /** A CloudFront signed URL carries no AWS credentials: the URL functions lose S3; the completion keeps HeadObject. */
    @Test
    void cloudFrontMode_urlSigningFunctionsHaveNoS3Access() {
        var deployed = deployed(cloudFront());

        assertEquals(List.of(), actions(statements(deployed, "VideoUrlFunction"), "s3"));
        assertEquals(List.of(), actions(statements(deployed, "WebhookRedeliveryFunction"), "s3"));
        assertEquals(List.of("s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket"),
                actions(statements(deployed, "VideoCompletionFunction"), "s3"));
    }

    @Test
    void everyFunctionPolicy_noWildcardActionOrResourceInEitherMode() {
        for (var parameters : List.of(Map.<String, String>of(), cloudFront("CloudFrontPrivateKeyKmsKeyArn", KMS_KEY),
                existingKmsBucket())) {
            var deployed = deployed(parameters);
            for (String function : FUNCTIONS) {
                for (var statement : statements(deployed, function)) {
                    assertEquals("Allow", statement.get("Effect"));
                    list(statement.get("Action")).forEach(action -> assertFalse(action.contains("*"), function + ": " + action));
                    list(statement.get("Resource")).forEach(resource -> assertTrue(!resource.contains("*")
                            || resource.endsWith("/generated_videos/*"), function + ": " + resource));
                }
            }
        }
    }

    static final String VIDEO_KMS_KEY = "arn:aws:kms:" + REGION + ":123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab";

    static Map<String, String> existingKmsBucket(String... more) {
        var parameters = new HashMap<>(Map.of("ExistingBucketName", "studio-renders", "VideoBucketKmsKeyArn", VIDEO_KMS_KEY));
        for (int i = 0; i < more.length; i += 2) {
            parameters.put(more[i], more[i + 1]);
        }
        return parameters;
    }

    /** The statements that let a function use the bucket's KMS key: those whose kms:ViaService is S3's. */
    List<Map<String, Object>> s3KmsStatements(LocalTemplate deployed, String function) {
        return statements(deployed, function).stream().filter(s -> !actions(List.of(s), "kms").isEmpty())
                .filter(s -> s.get("Condition") instanceof Map<?, ?> condition
                        && condition.get("StringEquals") instanceof Map<?, ?> equals
                        && String.valueOf(equals.get("kms:ViaService")).startsWith("s3.")).toList();
    }

    /**
     * SSE-KMS: S3 decrypts what the completion function reads and what a presigned URL serves with the caller's
     * rights on the key, so each function that reads or presigns may Decrypt with that key, and only through S3.
     */
    @Test
    void videoBucketKmsKey_s3Mode_eachFunctionDecryptsWithThatKeyOnlyThroughS3() {
        var deployed = deployed(existingKmsBucket());

        for (String function : FUNCTIONS) {
            var kms = statements(deployed, function).stream().filter(s -> !actions(List.of(s), "kms").isEmpty()).toList();
            assertEquals(1, kms.size(), function);
            assertEquals(List.of("kms:Decrypt"), list(kms.getFirst().get("Action")), function);
            assertEquals(List.of(VIDEO_KMS_KEY), list(kms.getFirst().get("Resource")), function);
            assertEquals(Map.of("StringEquals", Map.of("kms:ViaService", "s3." + REGION + ".amazonaws.com")),
                    kms.getFirst().get("Condition"), function);
        }
    }

    /** CloudFront reads through its own grant in the key policy; the completion function still reads the videos. */
    @Test
    void videoBucketKmsKey_cloudFrontMode_onlyTheCompletionFunctionDecryptsThroughS3() {
        var deployed = deployed(cloudFront("ExistingBucketName", "studio-renders", "VideoBucketKmsKeyArn", VIDEO_KMS_KEY,
                "CloudFrontPrivateKeyKmsKeyArn", KMS_KEY));

        var completion = s3KmsStatements(deployed, "VideoCompletionFunction");
        assertEquals(1, completion.size());
        assertEquals(List.of(VIDEO_KMS_KEY), list(completion.getFirst().get("Resource")));
        assertEquals(List.of(), s3KmsStatements(deployed, "VideoUrlFunction"));
        assertEquals(List.of(), s3KmsStatements(deployed, "WebhookRedeliveryFunction"));
        for (String function : FUNCTIONS) {
            assertTrue(statements(deployed, function).stream().anyMatch(s -> list(s.get("Resource")).equals(List.of(KMS_KEY))),
                    function + " still decrypts the CloudFront private key");
        }
    }

    @Test
    void videoBucketKmsKey_empty_noKmsStatementForS3() {
        for (var parameters : List.of(Map.of("ExistingBucketName", "studio-renders"), Map.<String, String>of(), cloudFront(),
                cloudFront("CloudFrontPrivateKeyKmsKeyArn", KMS_KEY))) {
            var deployed = deployed(parameters);
            for (String function : FUNCTIONS) {
                assertEquals(List.of(), s3KmsStatements(deployed, function), function + " with " + parameters);
                assertFalse(statements(deployed, function).stream().anyMatch(s -> "DecryptVideos".equals(s.get("Sid"))),
                        function + " with " + parameters);
            }
        }
    }

    /** A key ARN, or nothing: an IAM policy on an alias or a bare key id would not let the functions use the key. */
    @Test
    void videoBucketKmsKeyArn_templatePatternAcceptsKeyArnsOnly() {
        var pattern = Pattern.compile(String.valueOf(((Map<?, ?>) template.section("Parameters")
                .get("VideoBucketKmsKeyArn")).get("AllowedPattern")));

        assertTrue(pattern.matcher("").matches(), "empty: the bucket is not encrypted with a key of the user's");
        assertTrue(pattern.matcher(VIDEO_KMS_KEY).matches(), "a multi-Region key");
        assertTrue(pattern.matcher(KMS_KEY).matches());
        assertTrue(pattern.matcher("arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab").matches());
        assertFalse(pattern.matcher("arn:aws:kms:" + REGION + ":123456789012:alias/video-links").matches());
        assertFalse(pattern.matcher("1234abcd-12ab-34cd-56ef-1234567890ab").matches());
        assertFalse(pattern.matcher("arn:aws:kms:" + REGION + ":123456789012:key/*").matches());
        assertFalse(pattern.matcher(KMS_KEY + " ").matches());
    }

    /** Deployments that differ in what the functions may list: signing mode, bucket and prefix. */
    static final List<Map<String, String>> LISTING_DEPLOYMENTS = List.of(Map.of(), cloudFront(),
            Map.of("ExistingBucketName", "studio-renders", "VideoPrefix", "renders/2026/"));

    /** Whether IAM's StringLike matches: {@code *} any characters, {@code ?} one, everything else literally. */
    static boolean stringLike(String pattern, String value) {
        var regex = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            regex.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL).matcher(value).matches();
    }

    @Test
    void listBucket_everyFunctionInEveryMode_onlyUnderTheVideoPrefix() {
        for (var parameters : LISTING_DEPLOYMENTS) {
            var deployed = deployed(parameters);
            int listing = 0;
            for (String function : FUNCTIONS) {
                for (var statement : statements(deployed, function)) {
                    if (list(statement.get("Action")).contains("s3:ListBucket")) {
                        listing++;
                        assertEquals(Map.of("StringLike", Map.of("s3:prefix", deployed.parameter("VideoPrefix") + "*")),
                                statement.get("Condition"), function + " with " + parameters);
                    }
                }
            }
            assertEquals(1, listing, "the completion function lists (and sees deleted videos as missing) with " + parameters);
        }
    }

    /**
     * The one listing in the code, the keys beside an image (Posters), asks only for what the condition allows, for
     * every key the completion function handles: those under the prefix.
     */
    @Test
    void listBucket_postersListingForAnyKeyUnderThePrefix_isAllowedByTheCondition() {
        for (var parameters : LISTING_DEPLOYMENTS) {
            var deployed = deployed(parameters);
            String prefix = deployed.parameter("VideoPrefix");
            var condition = (Map<?, ?>) statements(deployed, "VideoCompletionFunction").stream()
                    .filter(s -> list(s.get("Action")).contains("s3:ListBucket")).findFirst().orElseThrow().get("Condition");
            assertTrue(condition != null && condition.get("StringLike") instanceof Map, "s3:ListBucket without a StringLike condition");
            String allowed = String.valueOf(((Map<?, ?>) condition.get("StringLike")).get("s3:prefix"));
            var listed = new ArrayList<String>();
            S3Client s3 = new S3Client() {
                @Override
                public ListObjectsV2Response listObjectsV2(ListObjectsV2Request request) {
                    listed.add(request.prefix());
                    return ListObjectsV2Response.builder().build();
                }

                @Override
                public String serviceName() {
                    return "s3";
                }

                @Override
                public void close() { }
            };
            var keys = new VideoKeys(prefix);
            var posters = new Posters(deployed.environment("VideoCompletionFunction").get("VIDEO_BUCKET"), keys, s3, null, null);

            for (String name : List.of("u1/j1/clip.jpg", "u1/j1/a b+c.PNG", "video_cmh3lmwiy0001ggy4xovsxj8h.webp",
                    ".jpg", "u1/.webp", "u1/j1.v2/poster", "u1/j1/clip.tar.jpeg")) {
                String key = prefix + name;
                assertTrue(keys.isCandidate(key), key);
                listed.clear();

                posters.siblings(key);

                assertEquals(1, listed.size(), key);
                assertTrue(stringLike(allowed, listed.getFirst()), key + " lists " + listed.getFirst() + ", outside " + allowed);
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void bucketPolicy_cloudFrontMode_onlyTheDistributionReadsThePrefix() {
        var deployed = deployed(cloudFront());

        var statements = (List<Map<String, Object>>) ((Map<?, ?>) properties(deployed, "VideoBucketPolicy").get("PolicyDocument")).get("Statement");

        var cloudFront = statements.stream().filter(s -> "CloudFrontReadsVideos".equals(s.get("Sid"))).findFirst().orElseThrow();
        assertEquals(Map.of("Service", "cloudfront.amazonaws.com"), cloudFront.get("Principal"));
        assertEquals(List.of("s3:GetObject", "s3:GetObjectVersion"), cloudFront.get("Action"));
        assertEquals(deployed.bucketName() + "/generated_videos/*", cloudFront.get("Resource"), "the bucket's objects under the prefix");
        assertEquals(Map.of("StringEquals", Map.of("AWS:SourceArn", "arn:aws:cloudfront::local:distribution/VideoDistribution")),
                cloudFront.get("Condition"));
        assertEquals(2, statements.size());
    }

    /**
     * Every parameter the signer puts in a URL is in the cache key (and so reaches S3: versionId, the response
     * overrides); none of CloudFront's signature parameters is, so every signed URL of a version hits one copy.
     */
    @Test
    @SuppressWarnings("unchecked")
    void cachePolicy_keysOnTheSignersOwnParametersAndNeverOnTheSignature() {
        var config = (Map<String, Object>) properties(deployed(cloudFront()), "VideoCachePolicy").get("CachePolicyConfig");
        var key = (Map<String, Map<String, Object>>) config.get("ParametersInCacheKeyAndForwardedToOrigin");

        assertEquals("whitelist", key.get("QueryStringsConfig").get("QueryStringBehavior"));
        var queryStrings = (List<String>) key.get("QueryStringsConfig").get("QueryStrings");
        assertEquals(new TreeSet<>(CloudFrontUrlSigner.CACHE_KEY_PARAMETERS), new TreeSet<>(queryStrings));
        assertTrue(CloudFrontUrlSigner.SIGNATURE_PARAMETERS.stream().noneMatch(queryStrings::contains));
        assertEquals("none", key.get("HeadersConfig").get("HeaderBehavior"));
        assertEquals("none", key.get("CookiesConfig").get("CookieBehavior"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void distribution_theVideoBucketThroughOriginAccessControlAndSignedUrlsOnly() {
        var deployed = deployed(cloudFront());
        var config = (Map<String, Object>) properties(deployed, "VideoDistribution").get("DistributionConfig");

        var origin = ((List<Map<String, Object>>) config.get("Origins")).getFirst();
        assertEquals(deployed.environment("VideoUrlFunction").get("VIDEO_BUCKET") + ".s3." + REGION + ".amazonaws.com",
                origin.get("DomainName"));
        assertEquals("arn:aws:local:" + REGION + ":local:VideoOriginAccessControl/Id", origin.get("OriginAccessControlId"));
        assertEquals(Map.of("OriginAccessIdentity", ""), origin.get("S3OriginConfig"));
        var behaviour = (Map<String, Object>) config.get("DefaultCacheBehavior");
        assertEquals(origin.get("Id"), behaviour.get("TargetOriginId"));
        assertEquals(List.of("CloudFrontKeyGroup"), behaviour.get("TrustedKeyGroups"));
        assertEquals("VideoCachePolicy", behaviour.get("CachePolicyId"));
        assertEquals("https-only", behaviour.get("ViewerProtocolPolicy"));
        assertEquals(List.of("GET", "HEAD"), behaviour.get("AllowedMethods"));
        var oac = (Map<String, Object>) properties(deployed, "VideoOriginAccessControl").get("OriginAccessControlConfig");
        assertEquals(List.of("s3", "always", "sigv4"), List.of(oac.get("OriginAccessControlOriginType"),
                oac.get("SigningBehavior"), oac.get("SigningProtocol")));
    }

    /** Rotation: both keys in the group, the functions sign with the one CloudFrontSigningKey names. */
    @Test
    @SuppressWarnings("unchecked")
    void keyGroup_twoKeysWhileRotating_functionsSignWithTheChosenOne() {
        var one = deployed(cloudFront());
        var rotating = deployed(cloudFront("CloudFrontPublicKeyB", PEM_B, "CloudFrontSigningKey", "B"));

        var items = (Map<String, Object>) properties(one, "CloudFrontKeyGroup").get("KeyGroupConfig");
        assertEquals(List.of("CloudFrontKeyA"), items.get("Items"));
        assertEquals("CloudFrontKeyA", one.environment("VideoUrlFunction").get("CLOUDFRONT_KEY_PAIR_ID"));
        assertFalse(one.isCreated("CloudFrontKeyB"));
        items = (Map<String, Object>) properties(rotating, "CloudFrontKeyGroup").get("KeyGroupConfig");
        assertEquals(List.of("CloudFrontKeyA", "CloudFrontKeyB"), items.get("Items"));
        for (String function : FUNCTIONS) {
            var env = rotating.environment(function);
            assertEquals("CloudFrontKeyB", env.get("CLOUDFRONT_KEY_PAIR_ID"), function);
            assertEquals("CloudFront", env.get("URL_SIGNER"), function);
            assertEquals(SECRET, env.get("CLOUDFRONT_PRIVATE_KEY_SECRET"), function);
            assertEquals("arn:aws:local:" + REGION + ":local:VideoDistribution/DomainName", env.get("CLOUDFRONT_DOMAIN"), function);
        }
    }

    /** The template's rule refuses a CloudFront deployment that could not sign. */
    @Test
    @SuppressWarnings("unchecked")
    void rule_cloudFrontModeNeedsTheSigningKeysParts() {
        var rule = (Map<String, Object>) template.section("Rules").get("CloudFrontSigningNeedsAKeyPair");
        var assertions = (List<Map<String, Object>>) rule.get("Assertions");

        record Case(Map<String, String> parameters, boolean accepted) {}
        var cases = List.of(
                new Case(cloudFront(), true),
                new Case(cloudFront("CloudFrontPrivateKeySecret", ""), false),
                new Case(cloudFront("CloudFrontSigningKey", "B"), false),
                new Case(cloudFront("CloudFrontPublicKeyB", PEM_B, "CloudFrontSigningKey", "B"), true),
                new Case(cloudFront("CloudFrontPublicKeyA", "", "CloudFrontPublicKeyB", PEM_B, "CloudFrontSigningKey", "B"), true));
        for (Case c : cases) {
            var deployed = deployed(c.parameters());
            assertEquals(Boolean.TRUE, deployed.resolve(rule.get("RuleCondition")));
            boolean accepted = assertions.stream().allMatch(a -> Boolean.TRUE.equals(deployed.resolve(a.get("Assert"))));
            assertEquals(c.accepted(), accepted, c.parameters().toString());
        }
        assertEquals(Boolean.FALSE, deployed(Map.of()).resolve(rule.get("RuleCondition")), "S3 mode asks for no key");
    }

    @Test
    void privateKeySecret_templatePatternAcceptsOnlyNamesTheCodeAccepts() {
        var pattern = Pattern.compile(String.valueOf(((Map<?, ?>) template.section("Parameters")
                .get("CloudFrontPrivateKeySecret")).get("AllowedPattern")));

        assertTrue(pattern.matcher(SECRET).matches());
        assertTrue(pattern.matcher("").matches(), "empty in S3 mode");
        assertTrue(pattern.matcher("prod/video_links+key=a.b@c").matches(), "every character a secret's name may hold");
        assertFalse(pattern.matcher("arn:aws:secretsmanager:" + REGION + ":123456789012:secret:" + SECRET + "-AbCdEf").matches(),
                "the policy's ARN is built from the name");
        assertFalse(pattern.matcher("video links/key").matches());
        var env = new HashMap<>(Map.of("AWS_REGION", REGION, "VIDEO_BUCKET", "b", "VIDEO_TABLE", "t", "URL_SIGNER", "CloudFront",
                "CLOUDFRONT_DOMAIN", "d111111abcdef8.cloudfront.net", "CLOUDFRONT_KEY_PAIR_ID", "K2JCJMDEHXQW5F"));
        for (String name : List.of(SECRET, "prod/video_links+key=a.b@c")) {
            env.put("CLOUDFRONT_PRIVATE_KEY_SECRET", name);
            assertEquals(name, Config.fromEnv(env).signing().cloudFront().privateKeySecret());
        }
    }

    /** Like TemplateTest's check, for CloudFront mode: every variable the handlers read there is set by the template. */
    @Test
    void environment_cloudFrontModeReadsOnlyVariablesTheTemplateSets() throws Exception {
        var templateTest = new TemplateTest();
        for (String function : FUNCTIONS) {
            var env = new TemplateTest.RecordingEnvironment();
            var reads = env.reads;
            env.putAll(Map.of("AWS_REGION", REGION, "VIDEO_BUCKET", "video-links-videos-local", "VIDEO_TABLE", "t",
                    "WEBHOOK_URL", "http://localhost:3000/api/webhooks/video-completion", "URL_SIGNER", "CloudFront",
                    "CLOUDFRONT_DOMAIN", "d111111abcdef8.cloudfront.net", "CLOUDFRONT_KEY_PAIR_ID", "K2JCJMDEHXQW5F",
                    "CLOUDFRONT_PRIVATE_KEY_SECRET", SECRET));

            TemplateTest.construct(TemplateTest.handlerClass(String.valueOf(template.resourceProperties(function).get("Handler"))), env);

            var unset = new TreeSet<>(reads);
            unset.removeAll(templateTest.declaredVariables(function));
            unset.removeAll(TemplateTest.SET_BY_LAMBDA);
            unset.removeAll(TemplateTest.LOCAL_ONLY);
            unset.remove("AWS_ENDPOINT_URL_SECRETS_MANAGER");
            assertEquals(Set.of(), unset, function);
            assertTrue(reads.containsAll(Set.of("URL_SIGNER", "URL_STABLE_FOR", "CLOUDFRONT_DOMAIN", "CLOUDFRONT_KEY_PAIR_ID",
                    "CLOUDFRONT_PRIVATE_KEY_SECRET")), function + " reads " + reads);
        }
    }
}
