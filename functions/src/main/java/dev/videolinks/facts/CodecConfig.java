package dev.videolinks.facts;

import dev.videolinks.facts.ByteRanges.Unreadable;
import dev.videolinks.facts.ByteRanges.Window;
import java.util.Map;

/**
 * What a codec's configuration record says of the stream: its profile, level, bit depth and chroma subsampling,
 * from H.264's {@code avcC} (its first sequence parameter set), HEVC's {@code hvcC}, AV1's {@code av1C}, VP9's
 * {@code vpcC} (or the same fields in Matroska's CodecPrivate), and ProRes by its four-character code; and the
 * audio codec, from an MPEG-4 {@code esds} (the AAC object type) or the sample entry's type. MP4 and Matroska
 * carry the same records, so both containers read them here.
 */
final class CodecConfig {

    /** A stream's profile, level, bit depth and chroma subsampling; each null when the record does not say. */
    record Details(String profile, String level, Integer bitDepth, String chroma) {
        static final Details NONE = new Details(null, null, null, null);
    }

    private static final String[] CHROMA = {"4:0:0", "4:2:0", "4:2:2", "4:4:4"};
    private static final Map<Integer, String> AVC_PROFILES = Map.of(66, "Baseline", 77, "Main", 88, "Extended",
            100, "High", 110, "High 10", 122, "High 4:2:2", 244, "High 4:4:4 Predictive", 44, "CAVLC 4:4:4");
    private static final Map<String, String> PRORES = Map.of("apco", "Proxy", "apcs", "LT", "apcn", "Standard",
            "apch", "HQ", "ap4h", "4444", "ap4x", "4444 XQ");
    private static final Map<String, String> AUDIO_ENTRIES = Map.ofEntries(Map.entry("Opus", "opus"),
            Map.entry("ac-3", "ac-3"), Map.entry("ec-3", "ec-3"), Map.entry("fLaC", "flac"), Map.entry("alac", "alac"),
            Map.entry(".mp3", "mp3"), Map.entry("sowt", "pcm"), Map.entry("twos", "pcm"), Map.entry("lpcm", "pcm"),
            Map.entry("ipcm", "pcm"), Map.entry("fpcm", "pcm"), Map.entry("in24", "pcm"), Map.entry("in32", "pcm"),
            Map.entry("fl32", "pcm"), Map.entry("fl64", "pcm"), Map.entry("raw ", "pcm"));

    private CodecConfig() {}

    /** avcC: the profile and level, and from its first sequence parameter set the bit depth and chroma. */
    static Details avc(Window window, long at, long length) throws Unreadable {
        if (length < 7 || window.u8(at) != 1) {
            return Details.NONE;
        }
        int profile = window.u8(at + 1);
        int constraints = window.u8(at + 2);
        int level = window.u8(at + 3);
        String name = profileName(profile, constraints);
        Integer bitDepth = 8;
        int chroma = 1;
        int sets = window.u8(at + 5) & 0x1f;
        if (sets > 0 && length >= 8) {
            int spsLength = window.u16(at + 6);
            if (spsLength > 4 && 8 + spsLength <= length) {
                var sps = new Bits(unescape(window, at + 8 + 1, spsLength - 1));
                sps.skip(24); // profile_idc, constraint flags, level_idc: as above
                sps.ue(); // seq_parameter_set_id
                if (java.util.Set.of(100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135).contains(profile)) {
                    chroma = sps.ue();
                    if (chroma == 3) {
                        sps.skip(1);
                    }
                    bitDepth = sps.ue() + 8;
                }
                if (sps.overrun() || chroma > 3 || bitDepth > 16) {
                    return new Details(name, avcLevel(level, profile, constraints), null, null);
                }
            }
        }
        return new Details(name, avcLevel(level, profile, constraints), bitDepth, CHROMA[chroma]);
    }

    private static String profileName(int profile, int constraints) {
        if (profile == 66 && (constraints & 0x40) != 0) {
            return "Constrained Baseline";
        }
        return AVC_PROFILES.getOrDefault(profile, "profile " + profile);
    }

    /** H.264's level_idc as written: 31 is 3.1, 40 is 4; level 1b is 9, or 11 with constraint_set3 in Baseline and Main. */
    private static String avcLevel(int level, int profile, int constraints) {
        if (level == 0) {
            return null;
        }
        if (level == 9 || level == 11 && (constraints & 0x10) != 0 && (profile == 66 || profile == 77 || profile == 88)) {
            return "1b";
        }
        return level % 10 == 0 ? Integer.toString(level / 10) : level / 10 + "." + level % 10;
    }

    /** hvcC: the general profile, level, bit depth and chroma format. */
    static Details hevc(Window window, long at, long length) throws Unreadable {
        if (length < 19 || window.u8(at) != 1) {
            return Details.NONE;
        }
        int profile = window.u8(at + 1) & 0x1f;
        int level = window.u8(at + 12);
        String name = switch (profile) {
            case 1 -> "Main";
            case 2 -> "Main 10";
            case 3 -> "Main Still Picture";
            case 4 -> "Range Extensions";
            default -> "profile " + profile;
        };
        int chroma = window.u8(at + 16) & 0x03;
        int bitDepth = (window.u8(at + 17) & 0x07) + 8;
        String levelName = level == 0 ? null : level % 30 == 0 ? Integer.toString(level / 30) : level / 30 + "." + (level % 30) / 3;
        return new Details(name, levelName, bitDepth, CHROMA[chroma]);
    }

    /** av1C: the sequence profile, the level of operating point 0, the bit depth and the subsampling. */
    static Details av1(Window window, long at, long length) throws Unreadable {
        if (length < 4 || (window.u8(at) & 0x80) == 0) {
            return Details.NONE;
        }
        int profile = window.u8(at + 1) >>> 5;
        int levelIndex = window.u8(at + 1) & 0x1f;
        int flags = window.u8(at + 2);
        boolean high = (flags & 0x40) != 0;
        boolean twelve = (flags & 0x20) != 0;
        boolean mono = (flags & 0x10) != 0;
        boolean x = (flags & 0x08) != 0;
        boolean y = (flags & 0x04) != 0;
        String chroma = mono ? "4:0:0" : x && y ? "4:2:0" : x ? "4:2:2" : "4:4:4";
        String name = switch (profile) {
            case 0 -> "Main";
            case 1 -> "High";
            case 2 -> "Professional";
            default -> "profile " + profile;
        };
        String level = levelIndex >= 24 ? null : (2 + (levelIndex >> 2)) + "." + (levelIndex & 3);
        return new Details(name, level, high ? twelve ? 12 : 10 : 8, chroma);
    }

    /** vpcC (a full box: version and flags first): profile, level, bit depth and chroma subsampling. */
    static Details vp9(Window window, long at, long length) throws Unreadable {
        if (length < 7) {
            return Details.NONE;
        }
        int profile = window.u8(at + 4);
        int level = window.u8(at + 5);
        int bits = window.u8(at + 6);
        return new Details("Profile " + profile, vpLevel(level), bits >>> 4, vpChroma((bits >>> 1) & 0x07));
    }

    /** VP9's CodecPrivate in Matroska and WebM: a list of (id, length, value) features, 1 to 4 of them. */
    static Details vp9Matroska(Window window, long at, long length) throws Unreadable {
        Integer profile = null;
        Integer level = null;
        Integer bitDepth = null;
        Integer chroma = null;
        for (long p = at; p + 2 <= at + length; ) {
            int id = window.u8(p);
            int size = window.u8(p + 1);
            if (size != 1 || p + 3 > at + length) {
                break;
            }
            int value = window.u8(p + 2);
            switch (id) {
                case 1 -> profile = value;
                case 2 -> level = value;
                case 3 -> bitDepth = value;
                case 4 -> chroma = value;
                default -> { }
            }
            p += 3;
        }
        return new Details(profile == null ? null : "Profile " + profile, level == null ? null : vpLevel(level), bitDepth,
                chroma == null ? null : vpChroma(chroma));
    }

    /**
     * A VP9 key frame's uncompressed header: the profile, and its color config's bit depth and subsampling. For a
     * WebM whose track has no CodecPrivate (ffmpeg writes none), read from its first frame.
     */
    static Details vp9Frame(Window window, long at, long length) throws Unreadable {
        if (length < 8) {
            return Details.NONE;
        }
        var bits = new Bits(window.bytes(at, (int) Math.min(length, 16)));
        if (bits.read(2) != 2) {
            return Details.NONE;
        }
        int profile = bits.bit() | bits.bit() << 1;
        if (profile == 3) {
            bits.skip(1);
        }
        if (bits.bit() == 1 || bits.bit() != 0) {
            return new Details("Profile " + profile, null, null, null); // a shown existing frame, or not a key frame
        }
        bits.skip(2); // show_frame, error_resilient_mode
        if (bits.read(24) != 0x498342) {
            return new Details("Profile " + profile, null, null, null);
        }
        int bitDepth = profile >= 2 ? bits.bit() == 1 ? 12 : 10 : 8;
        int colorSpace = bits.read(3);
        String chroma = "4:2:0";
        if (colorSpace != 7) {
            bits.skip(1);
            if (profile == 1 || profile == 3) {
                int x = bits.bit();
                int y = bits.bit();
                chroma = x == 1 && y == 1 ? "4:2:0" : x == 1 ? "4:2:2" : "4:4:4";
            }
        } else {
            chroma = "4:4:4"; // RGB
        }
        return new Details("Profile " + profile, null, bitDepth, chroma);
    }

    private static String vpLevel(int level) {
        return level == 0 ? null : level % 10 == 0 ? Integer.toString(level / 10) : level / 10 + "." + level % 10;
    }

    private static String vpChroma(int subsampling) {
        return switch (subsampling) {
            case 0, 1 -> "4:2:0";
            case 2 -> "4:2:2";
            case 3 -> "4:4:4";
            default -> null;
        };
    }

    /**
     * What a codec's four-character code alone says: VP8 is 8-bit 4:2:0 (it has no other format); ProRes its
     * profile, 10 bits (12 for 4444), 4:2:2 (4:4:4 for 4444).
     */
    static Details byFourcc(String fourcc) {
        if (fourcc.equals("vp08")) {
            return new Details(null, null, 8, "4:2:0");
        }
        String profile = PRORES.get(fourcc);
        if (profile == null) {
            return Details.NONE;
        }
        boolean full = fourcc.startsWith("ap4");
        return new Details(profile, null, full ? 12 : 10, full ? "4:4:4" : "4:2:2");
    }

    /** The audio codec a sample entry's type names, or null for {@code mp4a} (whose esds says which). */
    static String audioEntry(String fourcc) {
        return fourcc.equals("mp4a") ? null : AUDIO_ENTRIES.getOrDefault(fourcc, fourcc);
    }

    /**
     * esds (a full box): the ES descriptor's decoder configuration, as RFC 6381 names it: {@code mp4a.40.N} for
     * MPEG-4 audio (N the AAC object type from the AudioSpecificConfig), {@code mp3} for MPEG-1/2 layer 3, else
     * {@code mp4a.} and the object type in hexadecimal.
     */
    static String esds(Window window, long at, long length) throws Unreadable {
        long end = at + length;
        long p = at + 4;
        int[] tagAndSize = new int[2];
        p = descriptor(window, p, end, tagAndSize);
        if (tagAndSize[0] != 0x03) {
            return "mp4a";
        }
        int flags = window.u8(p + 2);
        p += 3;
        if ((flags & 0x80) != 0) {
            p += 2;
        }
        if ((flags & 0x40) != 0) {
            p += 1 + window.u8(p);
        }
        if ((flags & 0x20) != 0) {
            p += 2;
        }
        p = descriptor(window, p, end, tagAndSize);
        if (tagAndSize[0] != 0x04) {
            return "mp4a";
        }
        int objectType = window.u8(p);
        if (objectType == 0x69 || objectType == 0x6b) {
            return "mp3";
        }
        if (objectType != 0x40) {
            return "mp4a." + Integer.toHexString(objectType);
        }
        long decoderEnd = p + tagAndSize[1];
        p += 13;
        if (p + 2 > decoderEnd) {
            return "mp4a.40";
        }
        p = descriptor(window, p, end, tagAndSize);
        if (tagAndSize[0] != 0x05 || tagAndSize[1] < 1) {
            return "mp4a.40";
        }
        return "mp4a.40." + audioObjectType(window, p, tagAndSize[1]);
    }

    /** An AudioSpecificConfig's audio object type: 5 bits, or 32 plus 6 more bits after the escape 31. */
    static int audioObjectType(Window window, long at, long length) throws Unreadable {
        int first = window.u8(at) >>> 3;
        if (first != 31 || length < 2) {
            return first;
        }
        return 32 + (((window.u8(at) & 0x07) << 3) | (window.u8(at + 1) >>> 5));
    }

    /** A descriptor's tag and size into {@code tagAndSize}; answers where its payload starts. */
    private static long descriptor(Window window, long p, long end, int[] tagAndSize) throws Unreadable {
        if (p + 2 > end) {
            tagAndSize[0] = -1;
            return p;
        }
        tagAndSize[0] = window.u8(p++);
        int size = 0;
        for (int i = 0; i < 4 && p < end; i++) {
            int b = window.u8(p++);
            size = size << 7 | b & 0x7f;
            if ((b & 0x80) == 0) {
                break;
            }
        }
        tagAndSize[1] = size;
        return p;
    }

    /** A NAL unit's payload without its emulation prevention bytes (the 3 of each 00 00 03). */
    private static byte[] unescape(Window window, long at, int length) throws Unreadable {
        var out = new java.io.ByteArrayOutputStream(length);
        int zeros = 0;
        for (int i = 0; i < length; i++) {
            int b = window.u8(at + i);
            if (zeros >= 2 && b == 3) {
                zeros = 0;
                continue;
            }
            zeros = b == 0 ? zeros + 1 : 0;
            out.write(b);
        }
        return out.toByteArray();
    }

    /** Reads bits and Exp-Golomb codes; past the end it reads zeros and says so ({@link #overrun}). */
    private static final class Bits {
        private final byte[] data;
        private long position;

        Bits(byte[] data) {
            this.data = data;
        }

        int bit() {
            int index = (int) (position >>> 3);
            int value = index < data.length ? (data[index] >>> (7 - (position & 7))) & 1 : 0;
            position++;
            return value;
        }

        void skip(int bits) {
            position += bits;
        }

        /** {@code count} bits (at most 31) as an unsigned number, the first read the most significant. */
        int read(int count) {
            int value = 0;
            for (int i = 0; i < count; i++) {
                value = value << 1 | bit();
            }
            return value;
        }

        /** An unsigned Exp-Golomb code (at most 31 leading zeros). */
        int ue() {
            int zeros = 0;
            while (bit() == 0 && zeros < 32) {
                zeros++;
            }
            if (zeros >= 32) {
                return Integer.MAX_VALUE;
            }
            int value = 0;
            for (int i = 0; i < zeros; i++) {
                value = value << 1 | bit();
            }
            return (1 << zeros) - 1 + value;
        }

        boolean overrun() {
            return position > (long) data.length * 8;
        }
    }
}
