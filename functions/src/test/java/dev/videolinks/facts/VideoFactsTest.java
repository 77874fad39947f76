package dev.videolinks.facts;

import dev.videolinks.Clips;
import dev.videolinks.testing.TestJson;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The facts parsers on bytes in memory, through the same bounded reads as on S3: every test clip gives its exact
 * facts in its expected reads; every file of the bad corpus (src/test/resources/videos/bad, expectations in its
 * expected.json) and the large cases built here give null facts and the expected reason within the bounded
 * reads; thousands of random mutations of the clips never throw, loop or read more. The timeouts only stop a
 * loop from hanging the build.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class VideoFactsTest {

    static final java.nio.file.Path CORPUS = Clips.VIDEOS.resolve("bad");
    static final int MIB = 1024 * 1024;

    /** The bytes of a file, read through the bounded reads; records the Range of each read as S3 would get it. */
    record Reading(VideoFactsReader.Result result, List<String> ranges) {}

    static Reading read(byte[] bytes) {
        var ranges = new ArrayList<String>();
        var source = new ByteRanges(bytes.length, (offset, length) -> {
            ranges.add("bytes=" + offset + "-" + (offset + length - 1));
            return Arrays.copyOfRange(bytes, (int) offset, (int) offset + length);
        });
        return new Reading(VideoFactsReader.read(source), ranges);
    }

    static Stream<Clips.Clip> clips() {
        return Clips.ALL.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("clips")
    void read_testClip_givesItsExactFactsInItsReads(Clips.Clip clip) {
        Reading reading = read(clip.bytes());

        assertNull(reading.result().problem());
        assertEquals(clip.facts(), reading.result().facts());
        assertEquals(clip.ranges(), reading.ranges());
        assertEquals(reading.ranges().size(), reading.result().reads());
    }

    static Set<String> corpusFiles() throws IOException {
        try (Stream<java.nio.file.Path> paths = Files.list(CORPUS)) {
            return paths.map(p -> p.getFileName().toString()).filter(name -> !name.equals("expected.json"))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    static JsonNode expectations() throws IOException {
        return TestJson.MAPPER.readTree(CORPUS.resolve("expected.json").toFile());
    }

    @Test
    void corpus_everyFileHasAnExpectationAndEveryExpectationAFile() throws IOException {
        var expected = new TreeSet<String>();
        expectations().fieldNames().forEachRemaining(expected::add);
        assertEquals(expected, corpusFiles());
        assertTrue(expected.size() >= 40, "at least 40 kinds of bad file, found " + expected.size());
    }

    static Stream<String> corpus() throws IOException {
        return corpusFiles().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void read_badFile_nullFactsAndItsReasonWithinItsReads(String file) throws IOException {
        JsonNode expected = expectations().get(file);
        Reading reading = read(Files.readAllBytes(CORPUS.resolve(file)));

        if (expected.has("unknown")) {
            assertOddFieldAlone(reading, expected);
        } else {
            assertBad(reading, expected.get("reason").asText(), expected.get("reads").asInt());
        }
    }

    /**
     * A file with one implausible field (a duration of 0 or of centuries, a timescale of 0, a codec name that is no
     * name): that fact alone is null, the others are read.
     */
    static void assertOddFieldAlone(Reading reading, JsonNode expected) {
        var result = reading.result();
        var unknown = new TreeSet<String>();
        expected.get("unknown").forEach(name -> unknown.add(name.asText()));
        assertAll(() -> assertNull(result.problem()),
                () -> assertEquals(expected.get("reads").asInt(), result.reads()),
                () -> assertEquals(unknown.contains("duration_seconds"), result.facts().durationMillis() == null, result.toString()),
                () -> assertEquals(unknown.contains("video_codec"), result.facts().videoCodec() == null, result.toString()),
                () -> assertTrue(result.facts().width() != null && result.facts().height() != null, result.toString()));
    }

    static void assertBad(Reading reading, String reason, int reads) {
        var result = reading.result();
        assertAll(() -> assertEquals(VideoFacts.UNKNOWN, result.facts()),
                () -> assertTrue(result.problem() != null && result.problem().contains(reason),
                        "reason '" + result.problem() + "' should contain '" + reason + "'"),
                () -> assertEquals(reads, result.reads(), "reads: " + reading.ranges()));
    }

    @Test
    void read_s3FailsDuringARead_theFailurePropagatesSoLambdaRetriesTheEvent() {
        var failure = software.amazon.awssdk.core.exception.SdkClientException.create("connection reset");
        var source = new ByteRanges(1_000, (offset, length) -> {
            throw failure;
        });

        var thrown = org.junit.jupiter.api.Assertions.assertThrows(software.amazon.awssdk.core.exception.SdkClientException.class,
                () -> VideoFactsReader.read(source));
        assertEquals(failure, thrown);
    }

    // Files too large to commit, built here box by box.

    static byte[] box(String type, byte[]... payload) {
        var out = new ByteArrayOutputStream();
        for (byte[] part : payload) {
            out.writeBytes(part);
        }
        return concat(ByteBuffer.allocate(8).putInt(8 + out.size()).put(type.getBytes(StandardCharsets.ISO_8859_1)).array(),
                out.toByteArray());
    }

    static byte[] concat(byte[]... parts) {
        var out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** ftyp and moov of the faststart clip (its moov with a video and an audio track), without its mdat. */
    static final byte[] FTYP = Arrays.copyOfRange(Clips.H264_FASTSTART.bytes(), 0, 32);
    static final byte[] MOOV = Arrays.copyOfRange(Clips.H264_FASTSTART.bytes(), 32, 32 + 3499);

    /** The clip's moov with a free box of {@code padding} bytes added inside it. */
    static byte[] paddedMoov(int padding) {
        byte[] children = Arrays.copyOfRange(MOOV, 8, MOOV.length);
        return box("moov", children, box("free", new byte[padding]));
    }

    /** A moov of 5 MiB (a very long video) at the start: its headers are in the first read; its sample tables never read. */
    @Test
    void read_moovLargerThanAnyRead_factsFromItsHeadersInTheFirstRead() {
        byte[] file = concat(FTYP, paddedMoov(5 * MIB), box("mdat", new byte[64]));

        Reading reading = read(file);

        assertNull(reading.result().problem());
        assertEquals(Clips.H264_FASTSTART.facts(), reading.result().facts());
        assertEquals(List.of("bytes=0-65535"), reading.ranges());
    }

    /** The same moov after mdat: a read at its start (its headers), the sizes walked from the first. */
    @Test
    void read_moovLargerThanAnyReadAfterMdat_factsInTwoReads() {
        byte[] mdat = box("mdat", new byte[100_000]);
        byte[] file = concat(FTYP, mdat, paddedMoov(5 * MIB));
        long moovAt = FTYP.length + mdat.length;

        Reading reading = read(file);

        assertEquals(Clips.H264_MOOV_AT_END.facts(), reading.result().facts());
        assertEquals(List.of("bytes=0-65535", "bytes=" + moovAt + "-" + (moovAt + 65535)), reading.ranges());
    }

    /** A moov whose tracks stand megabytes apart (each behind its sample tables): a read for each track's headers. */
    @Test
    void read_tracksMegabytesApartInALargeMoov_aReadForTheSecondTrack() {
        byte[] moov = spreadMoov(2 * MIB);
        byte[] file = concat(FTYP, moov, box("mdat", new byte[64]));

        Reading reading = read(file);

        assertNull(reading.result().problem());
        assertEquals(Clips.H264_FASTSTART.facts(), reading.result().facts());
        assertEquals(2, reading.ranges().size(), reading.ranges().toString());
    }

    /** Behind three large boxes after mdat, moov is found in the last bytes: three reads. */
    @Test
    void read_moovBehindThreeLargeBoxes_foundInTheLastBytesInThreeReads() {
        byte[] file = concat(FTYP, box("mdat", new byte[5 * MIB]), box("mdat", new byte[5 * MIB]), box("free", new byte[5 * MIB]), MOOV);

        Reading reading = read(file);

        assertNull(reading.result().problem());
        assertEquals(Clips.H264_MOOV_AT_END.facts(), reading.result().facts());
        long tail = file.length - ByteRanges.MAX_READ_BYTES;
        assertEquals(List.of("bytes=0-65535", "bytes=5242920-5308455", "bytes=" + tail + "-" + (file.length - 1)),
                reading.ranges());
    }

    /**
     * A WebM whose Tracks element straddles the end of the first read (a Void element first in its Segment pushes it
     * there): one more read from where Tracks starts brings it and what follows it (the first Cluster, whose first
     * VP9 frame gives the profile and bit depth), not Tracks alone and then the Cluster again.
     */
    @Test
    void read_webmTracksStraddlingTheFirstRead_readWithWhatFollowsInOneMoreRead() throws IOException {
        byte[] webm = Files.readAllBytes(FfprobeCorpusTest.CORPUS.resolve("vp9-opus.webm"));
        int header = 4 + 1 + (webm[4] & 0x7f); // the EBML header: its id, a 1-byte size, its data
        assertEquals(0x01, webm[header + 4], "the Segment's size takes 8 bytes");
        int segmentData = header + 12;
        int tracks = topLevel(webm, segmentData, 0x1654ae6b);
        int pushed = ByteRanges.HEAD_BYTES - 10; // where Tracks starts after the Void
        int voidLength = pushed - tracks;
        var segment = ByteBuffer.wrap(webm, header + 4, 8).slice();
        long segmentSize = segment.getLong(0) & 0x00ff_ffff_ffff_ffffL;
        byte[] voidElement = ByteBuffer.allocate(voidLength).put((byte) 0xec)
                .putLong(0x0100_0000_0000_0000L | (voidLength - 9)).array();
        byte[] file = concat(Arrays.copyOf(webm, segmentData), voidElement, Arrays.copyOfRange(webm, segmentData, webm.length));
        ByteBuffer.wrap(file).putLong(header + 4, 0x0100_0000_0000_0000L | (segmentSize + voidLength));

        Reading reading = read(file);

        assertEquals(VideoFactsReader.read(webm).facts(), reading.result().facts());
        assertEquals("Profile 0", reading.result().facts().videoProfile());
        assertEquals(List.of("bytes=0-65535", "bytes=" + pushed + "-" + (file.length - 1)), reading.ranges());
    }

    /** Where the Segment's child with this id starts: a walk of the EBML ids and sizes from the Segment's data. */
    static int topLevel(byte[] webm, int segmentData, long id) {
        for (int p = segmentData; p < webm.length; ) {
            int idLength = Integer.numberOfLeadingZeros(webm[p] & 0xff) - 23;
            long found = 0;
            for (int k = 0; k < idLength; k++) {
                found = found << 8 | webm[p + k] & 0xff;
            }
            int sizeAt = p + idLength;
            int sizeLength = Integer.numberOfLeadingZeros(webm[sizeAt] & 0xff) - 23;
            long size = webm[sizeAt] & (0xff >> sizeLength);
            for (int k = 1; k < sizeLength; k++) {
                size = size << 8 | webm[sizeAt + k] & 0xff;
            }
            if (found == id) {
                return p;
            }
            p = (int) (sizeAt + sizeLength + size);
        }
        throw new AssertionError("no element 0x" + Long.toHexString(id));
    }

    @Test
    void read_moovOfAMegabyteFirst_factsInOneRead() {
        byte[] file = concat(FTYP, paddedMoov(MIB), box("mdat", new byte[64]));

        Reading reading = read(file);

        assertEquals(Clips.H264_FASTSTART.facts(), reading.result().facts());
        assertEquals(List.of("bytes=0-65535"), reading.ranges());
    }

    @Test
    void read_moovAfterMdatAndBeforeMegabytesOfOtherBoxes_factsInTwoReads() {
        byte[] moov = paddedMoov(200 * 1024);
        byte[] mdat = box("mdat", new byte[100_000]);
        byte[] file = concat(FTYP, mdat, moov, box("free", new byte[5 * MIB]));
        long moovAt = FTYP.length + mdat.length;

        Reading reading = read(file);

        assertEquals(Clips.H264_MOOV_AT_END.facts(), reading.result().facts());
        assertEquals(List.of("bytes=0-65535", "bytes=" + moovAt + "-" + (moovAt + 65535)), reading.ranges());
    }

    /**
     * The clip's moov with a free box of {@code gap} bytes inside each track, after its headers: the second track
     * then starts megabytes after the first, as behind large sample tables.
     */
    static byte[] spreadMoov(int gap) {
        var children = new ByteArrayOutputStream();
        for (int p = 8; p < MOOV.length; ) {
            int size = ByteBuffer.wrap(MOOV, p, 4).getInt();
            String type = new String(MOOV, p + 4, 4, StandardCharsets.ISO_8859_1);
            byte[] child = Arrays.copyOfRange(MOOV, p, p + size);
            if (type.equals("trak")) {
                child = box("trak", Arrays.copyOfRange(child, 8, child.length), box("free", new byte[gap]));
            }
            children.writeBytes(child);
            p += size;
        }
        return box("moov", children.toByteArray());
    }

    // Fuzzing.

    /** How many mutated files the fuzz test reads: 30,000 in the build, more with {@code -Dfuzz.cases=N}. */
    static final int FUZZ_CASES = Integer.getInteger("fuzz.cases", 30_000);
    /** Box types and EBML ids whose size fields the targeted mutations hit. */
    static final List<byte[]> MARKERS = Stream.of("moov", "mvhd", "trak", "tkhd", "mdia", "hdlr", "minf", "stbl", "stsd", "mdat",
            "ftyp", "avc1", "hvc1", "av01", "avcC", "hvcC", "av1C", "vpcC", "esds", "mvex", "mehd", "moof", "traf", "tfhd", "tfdt",
            "trun", "sidx", "uuid").map(t -> t.getBytes(StandardCharsets.ISO_8859_1)).collect(Collectors.toCollection(ArrayList::new));
    static final List<byte[]> EBML_IDS = List.of(new byte[] {0x18, 0x53, (byte) 0x80, 0x67}, new byte[] {0x15, 0x49, (byte) 0xa9, 0x66},
            new byte[] {0x16, 0x54, (byte) 0xae, 0x6b}, new byte[] {0x11, 0x4d, (byte) 0x9b, 0x74}, new byte[] {(byte) 0xae},
            new byte[] {(byte) 0xe0}, new byte[] {0x44, (byte) 0x89}, new byte[] {0x2a, (byte) 0xd7, (byte) 0xb1},
            new byte[] {0x63, (byte) 0xa2}, new byte[] {0x1f, 0x43, (byte) 0xb6, 0x75}, new byte[] {(byte) 0xa3},
            new byte[] {0x54, (byte) 0xb0}, new byte[] {0x54, (byte) 0xb2});

    @Test
    void read_thousandsOfMutatedClips_neverThrowsLoopsOrReadsMore() throws IOException {
        var random = new Random(Long.getLong("fuzz.seed", 15));
        var clips = new ArrayList<byte[]>(Clips.ALL.stream().map(Clips.Clip::bytes).toList());
        try (Stream<java.nio.file.Path> corpus = Files.list(FfprobeCorpusTest.CORPUS)) {
            for (var path : corpus.filter(p -> p.toString().matches(".*\\.(mp4|mov|mkv|webm)")).sorted().toList()) {
                clips.add(Files.readAllBytes(path));
            }
        }
        int known = 0;
        int unknown = 0;
        for (int i = 0; i < FUZZ_CASES; i++) {
            byte[] file = clips.get(random.nextInt(clips.size()));
            int mutations = 1 + random.nextInt(3);
            for (int m = 0; m < mutations; m++) {
                file = mutate(file, random);
            }
            Reading reading = read(file);
            var result = reading.result();
            String label = "case " + i + " (" + file.length + " bytes): " + result;
            assertTrue(result.problem() == null || !result.problem().startsWith("parser error"), label);
            assertTrue(result.reads() <= ByteRanges.MAX_READS, label);
            assertTrue(result.bytesRead() <= 3L * Math.min(file.length, ByteRanges.MAX_READ_BYTES), label);
            if (result.problem() == null) {
                known++;
                assertPlausible(result.facts(), label);
                Playback.of(result.facts()); // any facts get a verdict or none, never an exception
            } else {
                unknown++;
                assertEquals(VideoFacts.UNKNOWN, result.facts(), label);
            }
        }
        System.out.printf("fuzz: %d mutated clips, facts read from %d, null facts and a reason for %d%n", FUZZ_CASES, known, unknown);
        assertTrue(known > FUZZ_CASES / 10 && unknown > FUZZ_CASES / 10, known + " read, " + unknown + " unreadable");
    }

    static void assertPlausible(VideoFacts facts, String label) {
        assertTrue(facts.durationMillis() == null || facts.durationMillis() > 0
                && facts.durationMillis() <= VideoFacts.MAX_DURATION_MILLIS, label);
        for (Integer side : new Integer[] {facts.width(), facts.height()}) {
            assertTrue(side == null || side > 0 && side <= VideoFacts.MAX_DIMENSION, label);
        }
        assertTrue(facts.videoCodec() == null || VideoFacts.isName(facts.videoCodec()), label);
        assertTrue(facts.videoProfile() == null || VideoFacts.isName(facts.videoProfile(), VideoFacts.MAX_PROFILE_LENGTH), label);
        assertTrue(facts.videoLevel() == null || VideoFacts.isName(facts.videoLevel(), VideoFacts.MAX_LEVEL_LENGTH), label);
        assertTrue(facts.audioCodec() == null || VideoFacts.isName(facts.audioCodec(), VideoFacts.MAX_AUDIO_CODEC_LENGTH), label);
        assertTrue(facts.bitDepth() == null || facts.bitDepth() >= 1 && facts.bitDepth() <= 16, label);
        assertTrue(facts.chroma() == null || Set.of("4:2:0", "4:2:2", "4:4:4", "4:0:0").contains(facts.chroma()), label);
    }

    static byte[] mutate(byte[] file, Random random) {
        if (file.length < 16) {
            return concat(file, randomBytes(random, 1 + random.nextInt(32)));
        }
        byte[] b = file.clone();
        switch (random.nextInt(7)) {
            case 0 -> {
                for (int k = 1 + random.nextInt(8); k > 0; k--) {
                    b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                }
            }
            case 1 -> ByteBuffer.wrap(b).putInt(random.nextInt(b.length - 4), interestingInt(random, b.length));
            case 2 -> b = Arrays.copyOf(b, random.nextInt(b.length));
            case 3 -> {
                int at = random.nextInt(b.length);
                b = concat(Arrays.copyOf(b, at), randomBytes(random, 1 + random.nextInt(64)), Arrays.copyOfRange(b, at, b.length));
            }
            case 4 -> {
                int from = random.nextInt(b.length);
                int to = Math.min(b.length, from + 1 + random.nextInt(256));
                b = concat(Arrays.copyOf(b, from), Arrays.copyOfRange(b, to, b.length));
            }
            case 5 -> {
                // An ISO box's size field, just before its type.
                int at = find(b, MARKERS.get(random.nextInt(MARKERS.size())), random);
                if (at >= 4) {
                    ByteBuffer.wrap(b).putInt(at - 4, interestingInt(random, b.length));
                }
            }
            default -> {
                // An EBML element's size, just after its id: 8 bytes of 0xFF, a long zero, or random bytes.
                byte[] id = EBML_IDS.get(random.nextInt(EBML_IDS.size()));
                int at = find(b, id, random);
                if (at >= 0 && at + id.length + 8 <= b.length) {
                    byte[] size = switch (random.nextInt(3)) {
                        case 0 -> new byte[] {-1, -1, -1, -1, -1, -1, -1, -1};
                        case 1 -> new byte[] {0, 0, 0, 0, 0, 0, 0, 0};
                        default -> randomBytes(random, 8);
                    };
                    System.arraycopy(size, 0, b, at + id.length, 1 + random.nextInt(8));
                }
            }
        }
        return b;
    }

    static int interestingInt(Random random, int length) {
        int[] values = {0, 1, 7, 8, 16, length, length + 1, Integer.MAX_VALUE, -1, random.nextInt(), random.nextInt(length + 1)};
        return values[random.nextInt(values.length)];
    }

    /** Where one of the occurrences of {@code marker} starts, or -1. */
    static int find(byte[] bytes, byte[] marker, Random random) {
        var found = new ArrayList<Integer>();
        outer:
        for (int i = 0; i + marker.length <= bytes.length && found.size() < 16; i++) {
            for (int k = 0; k < marker.length; k++) {
                if (bytes[i + k] != marker[k]) {
                    continue outer;
                }
            }
            found.add(i);
        }
        return found.isEmpty() ? -1 : found.get(random.nextInt(found.size()));
    }

    static byte[] randomBytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }
}
