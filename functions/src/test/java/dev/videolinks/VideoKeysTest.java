package dev.videolinks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class VideoKeysTest {

    final VideoKeys keys = new VideoKeys("generated_videos/");

    @Test
    void isVideo_extensionsInAnyCase() {
        for (String name : new String[] {"a.mp4", "a.M4V", "a.mov", "a.WebM", "a.mkv"}) {
            assertTrue(keys.isVideo("generated_videos/u/j/" + name, "binary/octet-stream"), name);
        }
    }

    @Test
    void isVideo_otherExtensionWithVideoContentType() {
        assertTrue(keys.isVideo("generated_videos/u/j/clip", "video/mp4"));
    }

    @Test
    void isVideo_thumbnailAndJson_notVideos() {
        assertFalse(keys.isVideo("generated_videos/u/j/thumb.jpg", "image/jpeg"));
        assertFalse(keys.isVideo("generated_videos/u/j/result.json", "application/json"));
    }

    @Test
    void isCandidate_outsidePrefixAndFolderMarkers_excluded() {
        assertFalse(keys.isCandidate("uploads/u/j/a.mp4"));
        assertFalse(keys.isCandidate("generated_videos/"));
        assertFalse(keys.isCandidate("generated_videos/u/j/"));
        assertTrue(keys.isCandidate("generated_videos/u/j/a.mp4"));
    }

    @Test
    void locate_metadataWinsOverKey() {
        var located = keys.locate("generated_videos/user_1/job_1/a.mp4", Map.of("job-id", "job_meta", "user-id", "user_meta"));

        assertEquals("job_meta", located.jobId());
        assertEquals("user_meta", located.userId());
    }

    @Test
    void locate_userJobFilenameLayout_deepPathsToo() {
        var located = keys.locate("generated_videos/auth0|42/job-1/renders/final/a.mp4", Map.of());

        assertEquals("job-1", located.jobId());
        assertEquals("auth0|42", located.userId());
        assertEquals(1, located.videoCount());
    }

    @Test
    void locate_legacyLayout_jobWithoutOwner() {
        var located = keys.locate("generated_videos/video_cmh3lmwiy0001.mp4", Map.of());

        assertEquals("cmh3lmwiy0001", located.jobId());
        assertNull(located.userId());
    }

    @Test
    void locate_noLayoutMatches_rejected() {
        assertTrue(keys.locate("generated_videos/random.mp4", Map.of()).isRejected());
        assertTrue(keys.locate("generated_videos/user 1/job/a.mp4", Map.of()).isRejected());
    }

    @Test
    void locate_invalidMetadata_rejectedNotFallenBack() {
        assertEquals("metadata job-id is not a valid job id",
                keys.locate("generated_videos/u/j/a.mp4", Map.of("job-id", "a/b")).rejection());
        assertEquals("metadata user-id is not a valid user id",
                keys.locate("generated_videos/u/j/a.mp4", Map.of("user-id", "x y")).rejection());
        assertEquals("metadata job-id is not a valid job id",
                keys.locate("generated_videos/u/j/a.mp4", Map.of("job-id", "j".repeat(129))).rejection());
    }

    @Test
    void locate_videoCount_boundsChecked() {
        assertEquals(100, keys.locate("generated_videos/u/j/a.mp4", Map.of("video-count", "100")).videoCount());
        assertTrue(keys.locate("generated_videos/u/j/a.mp4", Map.of("video-count", "0")).isRejected());
        assertTrue(keys.locate("generated_videos/u/j/a.mp4", Map.of("video-count", "101")).isRejected());
        assertTrue(keys.locate("generated_videos/u/j/a.mp4", Map.of("video-count", "two")).isRejected());
    }

    @Test
    void playableContentType_genericOrMissing_impliedByExtension() {
        assertEquals("video/quicktime", VideoKeys.playableContentType("a.MOV", "binary/octet-stream"));
        assertEquals("video/webm", VideoKeys.playableContentType("a.webm", "application/octet-stream"));
        assertEquals("video/mp4", VideoKeys.playableContentType("a.mp4", null));
        assertEquals("video/mp4; codecs=avc1", VideoKeys.playableContentType("a.mkv", "video/mp4; codecs=avc1"));
    }
}
