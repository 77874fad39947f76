package dev.videolinks.facts;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.videolinks.testing.TestJson;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The playback verdict of corpus files (their facts as read, then the browser-support table): which of desktop
 * Chrome, Edge, Firefox and Safari play each, and the reasons, each told by words it must contain. And the table
 * itself: every row names a source the table lists, every answer is yes, no or hardware, and every row that is not
 * yes everywhere says why.
 */
class PlaybackTest {

    /** A file, whether Chrome, Edge, Firefox and Safari play it, and a phrase of each reason in order. */
    static Stream<Arguments> verdicts() {
        return Stream.of(
                verdict("h264-high-aac.mp4", "CEFS"),
                verdict("audio-aac.mp4", "CEFS"),
                verdict("h264-moov-at-end.mp4", "CEFS", "moov after mdat"),
                verdict("h264-high10.mp4", "", "no browser is known to play avc1 High 10 10-bit 4:2:0 in mp4"),
                verdict("h264-high444.mp4", "", "no browser is known to play avc1 High 4:4:4 Predictive 8-bit 4:4:4"),
                verdict("hevc-main-hvc1.mp4", "S", "HEVC plays in Chrome, Edge and Firefox only where the computer supplies a decoder"),
                verdict("hevc-main-hev1.mp4", "", "no browser is known to play hev1 Main"),
                verdict("av1-8bit.mp4", "CEF", "Safari plays AV1 only on devices with a hardware AV1 decoder"),
                verdict("av1-opus.webm", "CEF", "Safari plays AV1 only"),
                verdict("vp9-opus.webm", "CEFS"),
                verdict("webm-live-no-duration.webm", "CEFS"),
                verdict("vp9-profile0.mp4", "", "no browser is known to play vp09 Profile 0 8-bit 4:2:0 in mp4"),
                verdict("prores-hq-pcm.mov", "", "Firefox does not play QuickTime", "no browser is known to play apch HQ",
                        "no browser is known to play pcm audio in mov", "moov after mdat"),
                verdict("mov-no-ftyp.mov", "CES", "Firefox does not play QuickTime", "moov after mdat"),
                verdict("anamorphic-sar4x3.mkv", "", "Matroska (.mkv) is not a documented container"),
                verdict("audio-ac3.mp4", "", "Dolby Digital (AC-3)"),
                verdict("audio-flac.mp4", "", "no browser is known to play flac audio in mp4"));
    }

    static Arguments verdict(String file, String browsers, String... reasons) {
        return Arguments.of(file, browsers, List.of(reasons));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("verdicts")
    void of_corpusFile_itsBrowsersAndReasons(String file, String browsers, List<String> reasons) throws IOException {
        var facts = VideoFactsReader.read(Files.readAllBytes(FfprobeCorpusTest.CORPUS.resolve(file))).facts();

        Playback verdict = Playback.of(facts);

        var expected = new Playback.Browsers(browsers.contains("C"), browsers.contains("E"), browsers.contains("F"),
                browsers.contains("S"));
        assertAll(() -> assertEquals(expected, verdict.browsers(), facts.toString()),
                () -> assertEquals(reasons.size(), verdict.reasons().size(), verdict.reasons().toString()));
        for (int i = 0; i < reasons.size(); i++) {
            String reason = verdict.reasons().get(i);
            assertTrue(reason.contains(reasons.get(i)), "reason " + i + " '" + reason + "' should say '" + reasons.get(i) + "'");
        }
    }

    @Test
    void of_factsThatSayNeitherContainerNorTracks_noVerdict() {
        assertNull(Playback.of(VideoFacts.UNKNOWN));
        assertNull(Playback.of(new VideoFacts(null, 2000L, 160, 120, "avc1", "High", "3", 8, "4:2:0", true, "mp4a.40.2", true)));
    }

    @Test
    void of_anUnknownAudioCodec_noBrowserAndTheReason() {
        var facts = new VideoFacts("mp4", 2000L, 160, 120, "avc1", "High", "3", 8, "4:2:0", true, null, true);

        Playback verdict = Playback.of(facts);

        assertEquals(new Playback.Browsers(false, false, false, false), verdict.browsers());
        assertEquals(List.of("the audio codec is not known"), verdict.reasons());
    }

    @Test
    void table_everyRowHasAKnownSourceAnAnswerPerBrowserAndAReasonWhenNotYes() throws IOException {
        JsonNode table;
        try (InputStream in = Playback.class.getResourceAsStream("playback.json")) {
            table = TestJson.MAPPER.readTree(in);
        }
        var problems = new ArrayList<String>();
        int rows = 0;
        for (String list : List.of("containers", "video", "audio")) {
            for (JsonNode row : table.get(list)) {
                rows++;
                if (!table.get("sources").has(row.path("source").asText())) {
                    problems.add(list + " " + row + ": its source is not among the sources");
                }
                boolean allYes = true;
                for (String browser : Playback.BROWSERS) {
                    String answer = row.path(browser).asText();
                    if (!Set.of("yes", "no", "hardware").contains(answer)) {
                        problems.add(list + " " + row + ": " + browser + " is '" + answer + "'");
                    }
                    allYes &= answer.equals("yes");
                }
                if (!allYes && row.path("reason").asText().isBlank()) {
                    problems.add(list + " " + row + ": not yes everywhere, and no reason");
                }
            }
        }
        assertTrue(rows >= 15, "rows: " + rows);
        assertEquals(List.of(), problems);
    }
}
