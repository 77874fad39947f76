package dev.videolinks.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two ends users copy, run the way a user runs them, against the real local stack started here on free
 * ports: the generator's own tests (examples/generator, with every Python that has boto3) and the Next.js
 * app's browser test (examples/nextjs: `npm test`, which builds the app, starts it and drives Debian's
 * Chromium through playwright-core). Their output goes to the build log and to target/examples/.
 *
 * <p>Node.js, Chromium and boto3 are needed: a machine without them fails here with one line naming what to
 * install. {@code -DskipExamples} skips these tests on purpose, except in CI ({@code CI=true}), where they
 * always run.
 */
class ExamplesIT {

    static final Path NEXTJS = Path.of("examples", "nextjs");
    static final Path GENERATOR = Path.of("examples", "generator");
    static final Path ARTIFACTS = Path.of("target", "examples");

    @TempDir
    static Path work;

    static LocalStack stack;
    /** A second stack in IAM mode, for the app's SigV4 calls; its webhooks go straight to a second app. */
    static LocalStack iamStack;
    static int appPort;
    static int webhookProxyPort;
    static int iamAppPort;

    @BeforeAll
    static void start() throws Exception {
        boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
        if (System.getProperty("skipExamples") != null) {
            if (ci) {
                fail("-DskipExamples is refused in CI: the examples' tests always run there");
            }
            System.out.println("[examples] SKIPPED on request (-DskipExamples): the generator's and the browser test");
            Assumptions.abort("examples' tests skipped on request (-DskipExamples)");
        }
        Files.createDirectories(ARTIFACTS);
        appPort = LocalStackTest.freePort();
        webhookProxyPort = LocalStackTest.freePort();
        iamAppPort = LocalStackTest.freePort();
        // The stack signs webhook URLs for one minute (less than the five minutes the app wants left, so the
        // page refreshes them, and short enough for one to expire while the browser test runs); the URL API
        // keeps the template's hour.
        Path env = work.resolve("env.json");
        Files.writeString(env, """
                {"VideoCompletionFunction": {"URL_TTL": "PT1M"},
                 "Parameters": {"CorsAllowedOrigins": "http://127.0.0.1:%d"}}""".formatted(appPort));
        var options = LocalStackTest.options(work.resolve("stack"), "http://127.0.0.1:" + webhookProxyPort + "/api/webhooks/video-completion");
        options.envVars = env;
        options.retryDelays = List.of(Duration.ofSeconds(1), Duration.ofSeconds(2));
        stack = new LocalStack(options, log("local-stack.log"));
        stack.start();

        var iamOptions = LocalStackTest.options(work.resolve("iam-stack"), "http://127.0.0.1:" + iamAppPort + "/api/webhooks/video-completion");
        iamOptions.authMode = "IAM";
        iamOptions.retryDelays = options.retryDelays;
        iamStack = new LocalStack(iamOptions, log("local-stack-iam.log"));
        iamStack.start();
    }

    static java.io.PrintStream log(String name) throws IOException {
        return new java.io.PrintStream(Files.newOutputStream(ARTIFACTS.resolve(name)), true, StandardCharsets.UTF_8);
    }

    @AfterAll
    static void stop() {
        for (var running : new LocalStack[] {stack, iamStack}) {
            if (running != null) {
                running.close();
            }
        }
    }

    @Test
    void generator_ownTests_passAgainstTheStacksS3() throws Exception {
        List<String> pythons = Tools.pythonsWithBoto3();
        for (String python : pythons) {
            var run = run("generator-tests" + python.replaceAll("[^A-Za-z0-9.]+", "-"), GENERATOR, Duration.ofMinutes(3), stackEnvironment(),
                    python, "-m", "unittest", "-v", "test_upload");

            assertEquals(0, run.exit(), python + " unittest failed; see " + run.log());
            assertTrue(run.output().contains("\nOK"), run.output());
        }
    }

    @Test
    void nextjs_browserTest_passesAgainstTheStack() throws Exception {
        String chromium = Tools.chromium();
        String npm = Tools.npm();
        if (Tools.dependenciesStale(NEXTJS)) {
            var install = run("npm-ci", NEXTJS, Duration.ofMinutes(10), Map.of(), npm, "ci", "--no-audit", "--no-fund");
            assertEquals(0, install.exit(), "npm ci failed; see " + install.log());
        }
        var environment = stackEnvironment();
        environment.put("WEBHOOK_PROXY_PORT", Integer.toString(webhookProxyPort));
        environment.put("APP_PORT", Integer.toString(appPort));
        environment.put("STACK_API_URL", stack.apiUrl().toString());
        environment.put("STACK_WEBHOOK_SECRET", stack.webhookSecret());
        environment.put("STACK_IAM_S3_ENDPOINT", iamStack.s3Endpoint().toString());
        environment.put("STACK_IAM_API_URL", iamStack.apiUrl().toString());
        environment.put("STACK_IAM_WEBHOOK_SECRET", iamStack.webhookSecret());
        environment.put("IAM_APP_PORT", Integer.toString(iamAppPort));
        environment.put("CHROMIUM", chromium);
        environment.put("PYTHON", Tools.pythonsWithBoto3().getFirst());
        environment.put("ARTIFACTS_DIR", ARTIFACTS.toAbsolutePath().toString());

        var test = run("nextjs-browser-test", NEXTJS, Duration.ofMinutes(10), environment, npm, "test");

        assertEquals(0, test.exit(), "the browser test failed; see " + test.log() + " and " + ARTIFACTS);
        assertTrue(test.output().contains("# fail 0") && test.output().matches("(?s).*# pass [1-9].*"), test.output());
        byte[] screenshot = Files.readAllBytes(ARTIFACTS.resolve("video-page.png"));
        assertTrue(screenshot.length > 1000 && screenshot[1] == 'P' && screenshot[2] == 'N' && screenshot[3] == 'G',
                "a PNG screenshot of the playing page");
    }

    Map<String, String> stackEnvironment() {
        var environment = new LinkedHashMap<String, String>();
        environment.put("AWS_ENDPOINT_URL_S3", stack.s3Endpoint().toString());
        environment.put("AWS_ACCESS_KEY_ID", LocalStack.ACCESS_KEY);
        environment.put("AWS_SECRET_ACCESS_KEY", LocalStack.SECRET_KEY);
        environment.put("AWS_REGION", LocalStack.REGION);
        environment.put("STACK_S3_ENDPOINT", stack.s3Endpoint().toString());
        environment.put("STACK_ACCESS_KEY_ID", LocalStack.ACCESS_KEY);
        environment.put("STACK_SECRET_ACCESS_KEY", LocalStack.SECRET_KEY);
        environment.put("STACK_REGION", LocalStack.REGION);
        environment.put("STACK_BUCKET", stack.template().bucketName());
        return environment;
    }

    record Run(int exit, String output, Path log) {}

    /** Runs a command to its end (killed, with its children, after the bound), echoing and keeping its output. */
    static Run run(String name, Path directory, Duration bound, Map<String, String> environment, String... command) throws Exception {
        Path log = ARTIFACTS.resolve(name + ".log");
        var builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
        builder.environment().putAll(environment);
        System.out.println("[examples] " + String.join(" ", command) + " (in " + directory + ", output also in " + log + ")");
        var process = builder.start();
        var output = new StringBuilder();
        var reader = Thread.ofPlatform().daemon().start(() -> {
            try (var lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                    var file = new PrintWriter(Files.newBufferedWriter(log), true)) {
                for (String line; (line = lines.readLine()) != null; ) {
                    file.println(line);
                    System.out.println("[" + name + "] " + line);
                    synchronized (output) {
                        output.append(line).append('\n');
                    }
                }
            } catch (IOException e) {
                System.out.println("[" + name + "] output lost: " + e);
            }
        });
        if (!process.waitFor(bound.toSeconds(), TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            fail(name + " did not end within " + bound.toMinutes() + " min; see " + log);
        }
        reader.join(Duration.ofSeconds(10));
        synchronized (output) {
            return new Run(process.exitValue(), output.toString(), log);
        }
    }

    /** The tools the examples need, found or named in one line that says what to install. */
    static final class Tools {

        static String npm() throws Exception {
            String version = version("node", "--version");
            if (version == null || !version.matches("v(2[0-9]|[3-9][0-9])\\..*")) {
                fail("the examples need Node.js 20 or newer with npm (Debian: apt-get install nodejs npm), found "
                        + (version == null ? "no node" : "node " + version) + "; or skip them with -DskipExamples");
            }
            if (version("npm", "--version") == null) {
                fail("the examples need npm beside node " + version + " (Debian: apt-get install npm); or skip them with -DskipExamples");
            }
            return "npm";
        }

        static String chromium() {
            String chromium = System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium");
            if (!Files.isExecutable(Path.of(chromium))) {
                fail("the browser test needs Chromium at " + chromium + " (Debian: apt-get install chromium); or skip it with -DskipExamples");
            }
            return chromium;
        }

        static List<String> pythonsWithBoto3() throws Exception {
            var found = new ArrayList<String>();
            for (String python : List.of("python3", "/usr/bin/python3")) {
                String real = version(python, "-c", "import boto3, os, sys; print(os.path.realpath(sys.executable))");
                if (real != null && found.stream().noneMatch(p -> p.equals(real))) {
                    found.add(real);
                }
            }
            if (found.isEmpty()) {
                fail("the generator needs Python 3 with boto3 (Debian: apt-get install python3-boto3); or skip it with -DskipExamples");
            }
            return found;
        }

        /** npm ci is due when node_modules is missing or older than package-lock.json. */
        static boolean dependenciesStale(Path app) throws IOException {
            Path installed = app.resolve("node_modules").resolve(".package-lock.json");
            return !Files.exists(installed)
                    || Files.getLastModifiedTime(installed).compareTo(Files.getLastModifiedTime(app.resolve("package-lock.json"))) < 0;
        }

        /** The command's first output line, or null when it cannot run or fails. */
        static String version(String... command) throws InterruptedException {
            try {
                var process = new ProcessBuilder(command).redirectErrorStream(true).start();
                String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                    return null;
                }
                return out.lines().findFirst().orElse("");
            } catch (IOException notThere) {
                return null;
            }
        }
    }
}
