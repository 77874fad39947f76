package dev.videolinks.facts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.videolinks.Clips;
import dev.videolinks.testing.TestJson;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file of the facts corpus (src/test/resources/videos/corpus, made by its make-corpus.sh) against ffprobe's
 * answer recorded beside it (ffprobe/FILE.json). What ffprobe says is turned into this project's names, then each
 * fact must match, with these tolerances:
 * <ul>
 *   <li>duration: within 1 ms of ffprobe's format duration; for a fragmented MP4, within 1 ms of the longest of
 *       ffprobe's stream durations that the fragments' own timing gives ({@link #FRAGMENT_TOLERANCE_MILLIS} at most,
 *       see there); none where ffprobe has none (a live WebM);
 *   <li>width and height: the coded size ffprobe reports, times its sample aspect ratio (rounded), turned by its
 *       display matrix rotation: exact;
 *   <li>codec, profile, level, bit depth, chroma, audio codec: ffprobe's names and numbers mapped to ours
 *       (H.264 level 31 is 3.1, HEVC 93 is 3.1, AV1's 0 is 2.0, pix_fmt yuv420p10le is 10 bits of 4:2:0): exact;
 *       ffprobe's -99 (no level) is our null, but for VP9 in MP4, whose level this test reads from vpcC;
 *   <li>container: ffprobe names a family (mov,mp4,... or matroska,webm); the file's extension picks the member;
 *   <li>faststart, which ffprobe does not report: whether the top-level moov comes before the first mdat.
 * </ul>
 * The table of every file and fact is written to target/ffprobe-comparison.md.
 */
class FfprobeCorpusTest {

    static final Path CORPUS = Clips.VIDEOS.resolve("corpus");
    /**
     * ffprobe gives a fragmented file's duration as its longest stream, and counts an AAC track's priming and
     * padding that the fragments' timing leaves out; the facts take the longest track the fragments give.
     */
    static final long FRAGMENT_TOLERANCE_MILLIS = 250;
    static final List<String> FACTS = List.of("container", "duration", "width", "height", "video_codec",
            "video_profile", "video_level", "bit_depth", "chroma", "has_audio", "audio_codec", "faststart");
    static final Map<String, Map<String, String>> ROWS = new java.util.TreeMap<>();
    static final Map<String, String> READS = new java.util.TreeMap<>();

    static Stream<String> files() throws IOException {
        try (Stream<Path> paths = Files.list(CORPUS)) {
            return paths.map(p -> p.getFileName().toString()).filter(n -> n.matches(".*\\.(mp4|mov|mkv|webm)"))
                    .sorted().toList().stream();
        }
    }

    @Test
    void corpus_everyFileHasFfprobesAnswerAndThereAreAtLeast25Kinds() throws IOException {
        var files = files().collect(Collectors.toCollection(TreeSet::new));
        var answers = new TreeSet<String>();
        try (Stream<Path> paths = Files.list(CORPUS.resolve("ffprobe"))) {
            paths.forEach(p -> answers.add(p.getFileName().toString().replaceFirst("\\.json$", "")));
        }
        assertEquals(files, answers);
        assertTrue(files.size() >= 25, "at least 25 kinds, found " + files.size());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void read_corpusFile_factsAsFfprobeSaysWithinTheTolerances(String file) throws IOException {
        byte[] bytes = Files.readAllBytes(CORPUS.resolve(file));
        JsonNode probe = TestJson.MAPPER.readTree(CORPUS.resolve("ffprobe").resolve(file + ".json").toFile());
        var result = VideoFactsReader.read(bytes);
        VideoFacts facts = result.facts();
        Map<String, Object> expected = expected(file, probe, bytes);

        var row = new LinkedHashMap<String, String>();
        var misses = new ArrayList<String>();
        for (String fact : FACTS) {
            Object want = expected.get(fact);
            Object got = actual(facts, fact);
            boolean match = fact.equals("duration") ? durationMatches(want, got, isFragmented(bytes)) : Objects.equals(want, got);
            row.put(fact, cell(fact, want, got, match));
            if (!match) {
                misses.add(fact + ": " + got + ", ffprobe " + want);
            }
        }
        var stretched = Stretched.of(bytes, STRETCH);
        var large = stretched == null ? null : VideoFactsReader.read(new ByteRanges(stretched.size(), stretched::fetch));
        synchronized (ROWS) {
            ROWS.put(file, row);
            READS.put(file, result.reads() + " / " + (large == null ? "-" : large.reads()));
        }
        assertTrue(misses.isEmpty(), file + " " + misses + " (problem " + result.problem() + ", warning "
                + result.warning() + ")");
        if (large != null) {
            assertEquals(facts, large.facts(), file + " with " + STRETCH + " more bytes in each mdat (" + large.problem() + ")");
            assertTrue(large.bytesRead() <= ByteRanges.MAX_READS * (long) ByteRanges.MAX_READ_BYTES);
        }
    }

    /** Each mdat of an MP4 (the first of a fragmented one), or the end of a WebM, made this much larger: 100 MiB. */
    static final long STRETCH = 100L * 1024 * 1024;

    /**
     * A sparse test double of the same file grown large: in an MP4 or MOV each top-level {@code mdat} (with a 32-bit
     * size) gets {@code padding} zero bytes more at its end, its size field grown to match, but in a fragmented MP4
     * only the first fragment's (a long recording: its last fragment is of ordinary size, a few seconds), with the
     * first reference of a sidx that indexes the whole file grown to match; a WebM or MKV gets a Void
     * element of that size after its last byte, its Segment's 8-byte size grown to match. The facts must not change,
     * and the reads are what a file of that size costs on S3. Null for a file this cannot grow.
     */
    record Stretched(byte[] bytes, long[] inserts, long padding, long size) {

        static Stretched of(byte[] bytes, long padding) {
            var at = new ArrayList<Long>();
            byte[] copy = bytes.clone();
            var buffer = ByteBuffer.wrap(copy);
            if (EbmlFacts.looksLike(new ByteRanges.Window(0, bytes))) {
                return ebml(copy, padding);
            }
            boolean fragmented = isFragmented(bytes);
            boolean moofSeen = false;
            for (long p = 0; p + 8 <= bytes.length; ) {
                long size = Integer.toUnsignedLong(buffer.getInt((int) p));
                String type = new String(bytes, (int) p + 4, 4, StandardCharsets.ISO_8859_1);
                if (size < 8) {
                    break; // 0 (to the end) or 1 (a 64-bit size): left as it is
                }
                moofSeen |= type.equals("moof");
                if (type.equals("sidx") && !moofSeen) {
                    growFirstReference(buffer, (int) p, padding); // a sidx that indexes the whole file
                }
                if (type.equals("mdat") && size + padding < 0xffffffffL && !(fragmented && !at.isEmpty())) {
                    buffer.putInt((int) p, (int) (size + padding));
                    at.add(Math.min(p + size, bytes.length));
                }
                p += size;
            }
            if (at.isEmpty()) {
                return null;
            }
            return new Stretched(copy, at.stream().mapToLong(Long::longValue).toArray(), padding,
                    bytes.length + padding * at.size());
        }

        /** A sidx's first reference (the first fragment) grown by {@code padding}: version 0 or 1 offsets. */
        static void growFirstReference(ByteBuffer buffer, int sidx, long padding) {
            int version = buffer.get(sidx + 8);
            int reference = sidx + 8 + 4 + 8 + (version == 0 ? 8 : 16) + 4;
            if (buffer.getShort(reference - 2) == 0) {
                return; // no references (ffmpeg 5.1's global_sidx leaves them empty)
            }
            int field = buffer.getInt(reference);
            buffer.putInt(reference, (field & 0x80000000) | (int) ((field & 0x7fffffffL) + padding));
        }

        /** The Segment (after the EBML header) with an 8-byte size, or of unknown size; a Void at the end. */
        static Stretched ebml(byte[] copy, long padding) {
            int header = 4 + 1 + (copy[4] & 0x7f); // the EBML header's id, a 1-byte size, its data
            if ((copy[4] & 0x80) == 0 || copy[header + 4] != 0x01) {
                return null;
            }
            var buffer = ByteBuffer.wrap(copy);
            long size = buffer.getLong(header + 4) & 0x00ffffffffffffffL;
            if (size != 0x00ffffffffffffffL) {
                size += padding;
                buffer.putLong(header + 4, 0x0100000000000000L | size);
            }
            byte[] withVoid = java.util.Arrays.copyOf(copy, copy.length + 9);
            ByteBuffer.wrap(withVoid).put(copy.length, (byte) 0xEC).putLong(copy.length + 1, 0x0100000000000000L | (padding - 9));
            return new Stretched(withVoid, new long[] {withVoid.length}, padding - 9, withVoid.length + padding - 9);
        }

        /** The bytes {@code [offset, offset + length)} of the grown file: the original's, or zeros where it grew. */
        byte[] fetch(long offset, int length) {
            byte[] out = new byte[length];
            long original = 0; // where in the original the grown file's byte 'virtual' comes from
            long virtual = 0;
            for (int i = 0; i <= inserts.length; i++) {
                long realEnd = i < inserts.length ? inserts[i] : bytes.length;
                copy(out, offset, virtual, bytes, original, realEnd - original);
                virtual += realEnd - original;
                original = realEnd;
                virtual += i < inserts.length ? padding : 0; // zeros: already in 'out'
            }
            return out;
        }

        private static void copy(byte[] out, long outStart, long virtualStart, byte[] bytes, long from, long length) {
            long start = Math.max(outStart, virtualStart);
            long end = Math.min(outStart + out.length, virtualStart + length);
            if (start < end) {
                System.arraycopy(bytes, (int) (from + start - virtualStart), out, (int) (start - outStart), (int) (end - start));
            }
        }
    }

    /**
     * fmp4-empty-moov.mp4 without its mfra, with a sidx after moov that indexes its four fragments (moof and mdat)
     * as 500 ms each at the video's timescale (10240), the first one 100 MiB larger: the duration is the sidx's
     * 2,000 ms (the last fragment would say 2,200, the audio's end), found in the first read.
     */
    @Test
    void read_fragmentedMp4WithASidxThatIndexesTheWholeFile_durationFromTheSidxInTheFirstRead() throws IOException {
        byte[] file = Files.readAllBytes(CORPUS.resolve("fmp4-empty-moov.mp4"));
        var buffer = ByteBuffer.wrap(file);
        var boxes = new ArrayList<long[]>(); // start, size, type as an int
        for (int p = 0; p + 8 <= file.length; p += buffer.getInt(p)) {
            boxes.add(new long[] {p, buffer.getInt(p), buffer.getInt(p + 4)});
        }
        int moovEnd = (int) (boxes.get(1)[0] + boxes.get(1)[1]);
        int mfra = (int) boxes.getLast()[0];
        var fragments = boxes.subList(2, boxes.size() - 1);
        assertEquals(8, fragments.size(), "four moof and mdat pairs");
        var sidx = ByteBuffer.allocate(8 + 24 + 12 * 4);
        sidx.putInt(sidx.capacity()).put("sidx".getBytes(StandardCharsets.ISO_8859_1)).putInt(0).putInt(1).putInt(10240)
                .putInt(0).putInt(0).putShort((short) 0).putShort((short) 4);
        for (int i = 0; i < 8; i += 2) {
            long size = fragments.get(i)[1] + fragments.get(i + 1)[1]; // the double grows the first
            sidx.putInt((int) size).putInt(5120).putInt(0x90000000);
        }
        var indexed = new java.io.ByteArrayOutputStream();
        indexed.write(file, 0, moovEnd);
        indexed.write(sidx.array());
        indexed.write(file, moovEnd, mfra - moovEnd);
        var stretched = Stretched.of(indexed.toByteArray(), STRETCH);

        var result = VideoFactsReader.read(new ByteRanges(stretched.size(), stretched::fetch));

        assertEquals(2000L, result.facts().durationMillis(), String.valueOf(result));
        assertEquals(1, result.reads());
        assertEquals(2200L, VideoFactsReader.read(Arrays.copyOf(file, mfra)).facts().durationMillis(),
                "without the sidx, the last fragment's end");
    }

    @AfterAll
    static void writeTable() throws IOException {
        var table = new StringBuilder("| file | ").append(String.join(" | ", FACTS))
                .append(" | reads (as is / " + STRETCH / 1024 / 1024 + " MiB more) |\n|---|");
        table.append("---|".repeat(FACTS.size() + 1)).append('\n');
        ROWS.forEach((file, row) -> table.append("| ").append(file).append(" | ")
                .append(String.join(" | ", row.values())).append(" | ").append(READS.get(file)).append(" |\n"));
        Path target;
        try {
            target = Path.of(FfprobeCorpusTest.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getParent();
        } catch (java.net.URISyntaxException e) {
            throw new IOException(e);
        }
        Files.writeString(target.resolve("ffprobe-comparison.md"), table);
    }

    /** ✓, or ✗ with both values; a duration within the tolerance but not ffprobe's own says both. */
    static String cell(String fact, Object want, Object got, boolean match) {
        if (fact.equals("duration") && want != null) {
            long whole = ((long[]) want)[0];
            if (match && got != null && (Long) got != whole) {
                return "✓ " + got + " ms (ffprobe " + whole + ")";
            }
            want = whole + " ms";
        }
        return match ? "✓" : "✗ " + got + " (ffprobe " + want + ")";
    }

    static Object actual(VideoFacts facts, String fact) {
        return switch (fact) {
            case "container" -> facts.container();
            case "duration" -> facts.durationMillis();
            case "width" -> facts.width();
            case "height" -> facts.height();
            case "video_codec" -> facts.videoCodec();
            case "video_profile" -> facts.videoProfile();
            case "video_level" -> facts.videoLevel();
            case "bit_depth" -> facts.bitDepth();
            case "chroma" -> facts.chroma();
            case "has_audio" -> facts.hasAudio();
            case "audio_codec" -> facts.audioCodec();
            case "faststart" -> facts.faststart();
            default -> throw new IllegalArgumentException(fact);
        };
    }

    static boolean durationMatches(Object want, Object got, boolean fragmented) {
        if (want == null || got == null) {
            return want == got;
        }
        long[] range = (long[]) want;
        long millis = (Long) got;
        return fragmented ? millis >= range[1] - FRAGMENT_TOLERANCE_MILLIS && millis <= range[1] + 1
                : Math.abs(millis - range[0]) <= 1;
    }

    /** ffprobe's answer in this project's names; the duration as {format duration, longest stream} in ms. */
    static Map<String, Object> expected(String file, JsonNode probe, byte[] bytes) {
        var expected = new LinkedHashMap<String, Object>();
        String extension = file.substring(file.lastIndexOf('.') + 1);
        String family = probe.path("format").path("format_name").asText();
        boolean iso = family.contains("mp4");
        assertTrue(iso || family.contains("matroska"), family);
        expected.put("container", extension);
        JsonNode format = probe.path("format");
        if (format.has("duration")) {
            long whole = seconds(format.get("duration").asText());
            long longest = 0;
            for (JsonNode stream : probe.path("streams")) {
                if (stream.has("duration")) {
                    longest = Math.max(longest, seconds(stream.get("duration").asText()));
                }
            }
            expected.put("duration", new long[] {whole, longest == 0 ? whole : longest});
        }
        JsonNode video = first(probe, "video");
        JsonNode audio = first(probe, "audio");
        if (video != null) {
            int width = video.get("width").asInt();
            int height = video.get("height").asInt();
            String sar = video.path("sample_aspect_ratio").asText("1:1");
            if (sar.matches("\\d+:\\d+") && !sar.startsWith("0:")) {
                String[] parts = sar.split(":");
                width = (int) Math.round(width * Double.parseDouble(parts[0]) / Double.parseDouble(parts[1]));
            }
            if (Math.abs(rotation(video)) % 180 == 90) {
                int w = width;
                width = height;
                height = w;
            }
            expected.put("width", width);
            expected.put("height", height);
            expected.put("video_codec", videoCodec(video, iso));
            expected.put("video_profile", profile(video));
            expected.put("video_level", video.get("codec_name").asText().equals("vp9") ? vpcCLevel(bytes) : level(video));
            String pixels = video.path("pix_fmt").asText();
            expected.put("bit_depth", pixels.contains("10") ? 10 : pixels.contains("12") ? 12 : 8);
            expected.put("chroma", pixels.contains("444") ? "4:4:4" : pixels.contains("422") ? "4:2:2" : "4:2:0");
        }
        expected.put("has_audio", audio != null);
        expected.put("audio_codec", audio == null ? null : audioCodec(audio));
        expected.put("faststart", iso ? moovBeforeMdat(bytes) : null);
        return expected;
    }

    static long seconds(String text) {
        return Math.round(Double.parseDouble(text) * 1000);
    }

    static JsonNode first(JsonNode probe, String type) {
        for (JsonNode stream : probe.path("streams")) {
            if (stream.path("codec_type").asText().equals(type)
                    && stream.path("disposition").path("attached_pic").asInt() == 0) {
                return stream;
            }
        }
        return null;
    }

    static int rotation(JsonNode video) {
        for (JsonNode side : video.path("side_data_list")) {
            if (side.has("rotation")) {
                return side.get("rotation").asInt();
            }
        }
        return 0;
    }

    static String videoCodec(JsonNode video, boolean iso) {
        String tag = video.path("codec_tag_string").asText();
        if (iso) {
            return tag;
        }
        return switch (video.get("codec_name").asText()) {
            case "h264" -> "avc1";
            case "hevc" -> "hvc1";
            case "av1" -> "av01";
            case "vp9" -> "vp09";
            case "vp8" -> "vp08";
            default -> video.get("codec_name").asText();
        };
    }

    /** ffprobe's profile names are ours, but for VP8 ("0": VP8 has versions, not profiles). */
    static String profile(JsonNode video) {
        if (!video.has("profile") || video.get("codec_name").asText().equals("vp8")) {
            return null;
        }
        return video.get("profile").asText();
    }

    static String level(JsonNode video) {
        int level = video.path("level").asInt(-99);
        if (level == -99) {
            return null;
        }
        return switch (video.get("codec_name").asText()) {
            case "h264" -> level == 9 ? "1b" : level % 10 == 0 ? String.valueOf(level / 10) : level / 10 + "." + level % 10;
            case "hevc" -> level % 30 == 0 ? String.valueOf(level / 30) : level / 30 + "." + level % 30 / 3;
            case "av1" -> (2 + level / 4) + "." + level % 4;
            default -> null;
        };
    }

    /**
     * ffprobe gives no VP9 level (-99): in MP4, the level byte of vpcC (version 1: after the full box header and the
     * profile byte; 10 is level 1, 21 level 2.1); in WebM, none.
     */
    static String vpcCLevel(byte[] bytes) {
        int at = new String(bytes, StandardCharsets.ISO_8859_1).indexOf("vpcC");
        if (at < 0) {
            return null;
        }
        int level = bytes[at + 4 + 4 + 1] & 0xff;
        return level % 10 == 0 ? String.valueOf(level / 10) : level / 10 + "." + level % 10;
    }

    static String audioCodec(JsonNode audio) {
        String name = audio.get("codec_name").asText();
        return switch (name) {
            case "aac" -> switch (audio.path("profile").asText()) {
                case "LC" -> "mp4a.40.2";
                case "HE-AAC" -> "mp4a.40.5";
                case "HE-AACv2" -> "mp4a.40.29";
                default -> "mp4a.40";
            };
            case "ac3" -> "ac-3";
            case "eac3" -> "ec-3";
            default -> name.startsWith("pcm_") ? "pcm" : name;
        };
    }

    /** Whether the first top-level moov comes before the first mdat: a walk of 32- and 64-bit box sizes. */
    static Boolean moovBeforeMdat(byte[] bytes) {
        var buffer = ByteBuffer.wrap(bytes);
        long at = 0;
        while (at + 8 <= bytes.length) {
            long size = Integer.toUnsignedLong(buffer.getInt((int) at));
            String type = new String(bytes, (int) at + 4, 4, StandardCharsets.ISO_8859_1);
            if (type.equals("moov")) {
                return true;
            }
            if (type.equals("mdat")) {
                return false;
            }
            if (size == 1) {
                size = buffer.getLong((int) at + 8);
            }
            if (size < 8) {
                return null;
            }
            at += size;
        }
        return null;
    }

    static boolean isFragmented(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1).contains("moof");
    }
}
