package dev.videolinks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The sample events in events/, the same files `sam local invoke -e` takes. */
final class Events {

    static final String BUCKET = "video-links-example";

    private Events() {}

    static byte[] load(String name) {
        try {
            return Files.readAllBytes(Path.of("events", name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
