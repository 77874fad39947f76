package dev.videolinks.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every command a user runs answers --help with its usage, at once, without starting Maven. */
class CommandHelpTest {

    @ParameterizedTest
    @ValueSource(strings = {"local/start", "local/invoke", "local/redrive", "bench/run", "bench/cold", "bench/warm",
            "ops/redrive", "examples/demo"})
    void help_printsUsageAndExitsZero(String command) throws Exception {
        var process = new ProcessBuilder("bash", command, "--help").redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(10, TimeUnit.SECONDS), command + " --help took over 10 s");

        assertEquals(0, process.exitValue(), output);
        assertTrue(output.startsWith("usage: " + command), output);
        assertFalse(output.contains("ERROR") || output.contains("Exception") || output.contains("BUILD"), output);
    }
}
