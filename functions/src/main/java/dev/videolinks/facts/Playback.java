package dev.videolinks.facts;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Whether a file served as it is plays in a {@code <video>} element of desktop Chrome, Edge, Firefox and Safari, and
 * in words why not (or why late): the verdict of its facts against the browser-support table
 * {@code dev/videolinks/facts/playback.json}, which holds a source for each row and is what to update when browsers
 * change. For each of the container, the video codec (with its profile, bit depth and chroma) and the audio codec,
 * the table's first matching row decides; a browser plays the file when all three rows say "yes". A container no
 * browser plays is the one reason given: the codecs inside matter once the file is remuxed. "hardware" (it
 * plays only where the device decodes it in hardware) answers no, and says so. A codec, profile, bit depth or
 * chroma the table has no row for answers no: a verdict errs on the side of a file not playing.
 *
 * <pre>{@code
 * Playback verdict = Playback.of(facts);   // null when the facts do not say enough
 * verdict.browsers().safari(); verdict.reasons();
 * }</pre>
 */
public record Playback(Browsers browsers, List<String> reasons) {

    /** The verdict per browser. */
    public record Browsers(boolean chrome, boolean edge, boolean firefox, boolean safari) {}

    static final List<String> BROWSERS = List.of("chrome", "edge", "firefox", "safari");
    static final String LATE_MOOV = "moov after mdat: the player fetches the end of the file before the first frame";
    private static final Table TABLE = Table.load();

    public Playback {
        reasons = List.copyOf(reasons);
    }

    /** The verdict, or null when the facts do not say the container, nor a video codec or whether there is audio. */
    public static Playback of(VideoFacts facts) {
        return TABLE.verdict(facts);
    }

    /** The browser-support table, as read from its file. */
    record Table(List<Map<String, Object>> containers, List<Map<String, Object>> video, List<Map<String, Object>> audio) {

        @SuppressWarnings("unchecked")
        static Table load() {
            try (InputStream in = Playback.class.getResourceAsStream("playback.json")) {
                if (in == null) {
                    throw new IllegalStateException("dev/videolinks/facts/playback.json is not in the package");
                }
                Map<String, Object> table = JSON.std.mapFrom(in);
                return new Table((List<Map<String, Object>>) table.get("containers"),
                        (List<Map<String, Object>>) table.get("video"), (List<Map<String, Object>>) table.get("audio"));
            } catch (IOException e) {
                throw new UncheckedIOException("the browser-support table cannot be read", e);
            }
        }

        Playback verdict(VideoFacts facts) {
            if (facts.container() == null || facts.videoCodec() == null && facts.hasAudio() == null) {
                return null;
            }
            var plays = new boolean[] {true, true, true, true};
            var reasons = new LinkedHashSet<String>();
            apply(first(containers, facts, "container", facts.container()), plays, reasons,
                    "no browser is known to play the " + facts.container() + " container");
            if (!(plays[0] || plays[1] || plays[2] || plays[3])) {
                return new Playback(new Browsers(false, false, false, false), new ArrayList<>(reasons)); // remux first
            }
            if (facts.videoCodec() != null) {
                String codec = facts.videoCodec().equals("avc3") ? "avc1" : facts.videoCodec();
                apply(first(video, facts, "video", codec), plays, reasons, "no browser is known to play " + describe(facts)
                        + " in " + facts.container());
            }
            if (facts.hasAudio() != null) {
                String codec = !facts.hasAudio() ? "none" : facts.audioCodec() == null ? "unknown" : facts.audioCodec();
                apply(first(audio, facts, "audio", codec), plays, reasons, facts.audioCodec() == null
                        ? "the audio codec is not known" : "no browser is known to play " + codec + " audio in " + facts.container());
            }
            if (Boolean.FALSE.equals(facts.faststart())) {
                reasons.add(LATE_MOOV);
            }
            return new Playback(new Browsers(plays[0], plays[1], plays[2], plays[3]), new ArrayList<>(reasons));
        }

        /** The first row of a list that matches the facts and names this codec (or container), or null. */
        private static Map<String, Object> first(List<Map<String, Object>> rows, VideoFacts facts, String kind, String name) {
            for (var row : rows) {
                if (kind.equals("container") ? name.equals(row.get("container"))
                        : name.equals(row.get("codec")) && matches(row, facts, kind.equals("video"))) {
                    return row;
                }
            }
            return null;
        }

        /**
         * Whether the conditions a row states hold: its containers, and for video its profiles, bit depth and
         * chroma. A condition on a fact that is not known does not hold.
         */
        @SuppressWarnings("unchecked")
        private static boolean matches(Map<String, Object> row, VideoFacts facts, boolean video) {
            Object containers = row.get("containers");
            Object container = row.get("container");
            if (containers instanceof List<?> list && !list.contains(facts.container())
                    || container != null && !"*".equals(container) && !container.equals(facts.container())) {
                return false;
            }
            if (!video) {
                return true;
            }
            if (row.get("profiles") instanceof List<?> profiles && !profiles.contains(facts.videoProfile())) {
                return false;
            }
            if (row.get("max_bit_depth") instanceof Number max
                    && (facts.bitDepth() == null || facts.bitDepth() > max.intValue())) {
                return false;
            }
            return !(row.get("chroma") instanceof List<?> chroma && !chroma.contains(facts.chroma()));
        }

        /** Each browser the row does not say "yes" of plays no more; its reason (or {@code otherwise}) is given. */
        private static void apply(Map<String, Object> row, boolean[] plays, LinkedHashSet<String> reasons, String otherwise) {
            if (row == null) {
                java.util.Arrays.fill(plays, false);
                reasons.add(otherwise);
                return;
            }
            boolean all = true;
            for (int i = 0; i < BROWSERS.size(); i++) {
                if (!"yes".equals(row.get(BROWSERS.get(i)))) {
                    plays[i] = false;
                    all = false;
                }
            }
            if (!all) {
                reasons.add(String.valueOf(row.getOrDefault("reason", otherwise)));
            }
        }

        private static String describe(VideoFacts facts) {
            var words = new ArrayList<String>();
            words.add(facts.videoCodec());
            if (facts.videoProfile() != null) {
                words.add(facts.videoProfile());
            }
            if (facts.bitDepth() != null) {
                words.add(facts.bitDepth() + "-bit");
            }
            if (facts.chroma() != null) {
                words.add(facts.chroma());
            }
            return String.join(" ", words);
        }
    }
}
