package dev.videolinks;

import dev.videolinks.testing.LocalAws;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A test class of the whole pipeline: local S3 and DynamoDB for the class, a fresh {@link Pipeline} per test. */
abstract class PipelineTest {

    @RegisterExtension
    static final LocalAws aws = new LocalAws();

    Pipeline pipeline;

    @BeforeEach
    void freshPipeline() throws Exception {
        pipeline = Pipeline.start(aws);
    }

    @AfterEach
    void closePipeline() {
        pipeline.close();
    }
}
