package dev.videolinks.facts;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The smallest files whose facts the parsers read to the end, built byte by byte: {@link Priming} reads them so
 * that the parsers are loaded and compiled before the snapshot, without a file in the jar.
 */
final class SampleVideos {

    private SampleVideos() {}

    /** A faststart MP4's first boxes as a muxer writes them: ftyp, then moov with mvhd and one video track. */
    static byte[] mp4() {
        byte[] mvhd = new byte[100];
        mvhd[15] = (byte) 0xe8; // timescale 1000
        mvhd[14] = 0x03;
        mvhd[18] = 0x07; // duration 2000
        mvhd[19] = (byte) 0xd0;
        byte[] tkhd = new byte[84];
        tkhd[76] = 0x01; // width 320.0, height 240.0
        tkhd[77] = 0x40;
        tkhd[81] = (byte) 0xf0;
        byte[] sampleDescription = concat(new byte[] {0, 0, 0, 0, 0, 0, 0, 1}, box("avc1", new byte[78]));
        byte[] stbl = box("stbl", box("stsd", sampleDescription));
        byte[] mdia = box("mdia", concat(box("hdlr", "\0\0\0\0\0\0\0\0vide\0\0\0\0".getBytes(StandardCharsets.ISO_8859_1)),
                box("minf", stbl)));
        byte[] moov = box("moov", concat(box("mvhd", mvhd), box("trak", concat(box("tkhd", tkhd), mdia))));
        return concat(box("ftyp", "isom\0\0\0\1".getBytes(StandardCharsets.ISO_8859_1)), moov, box("mdat", new byte[0]));
    }

    /** A WebM's first elements: the EBML header, a Segment of unknown size, Info and one video track. */
    static byte[] webm() {
        byte[] info = element(0x1549A966, concat(element(0x2AD7B1, new byte[] {0x0f, 0x42, 0x40}),
                element(0x4489, new byte[] {0x44, (byte) 0xfa, 0, 0})));
        byte[] track = element(0xAE, concat(element(0x83, new byte[] {1}), element(0x86, "V_VP9".getBytes(StandardCharsets.US_ASCII)),
                element(0xE0, concat(element(0xB0, new byte[] {0x01, 0x40}), element(0xBA, new byte[] {(byte) 0xf0})))));
        return concat(element(0x1A45DFA3, element(0x4282, "webm".getBytes(StandardCharsets.US_ASCII))),
                new byte[] {0x18, 0x53, (byte) 0x80, 0x67, 0x01, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
                        (byte) 0xff, (byte) 0xff},
                info, element(0x1654AE6B, track));
    }

    private static byte[] box(String type, byte[] payload) {
        return concat(ByteBuffer.allocate(8).putInt(8 + payload.length)
                .put(type.getBytes(StandardCharsets.ISO_8859_1)).array(), payload);
    }

    /** An EBML element with a one-byte size (payloads under 127 bytes). */
    private static byte[] element(int id, byte[] payload) {
        byte[] idBytes = ByteBuffer.allocate(4).putInt(id).array();
        int length = (32 - Integer.numberOfLeadingZeros(id) + 7) / 8;
        return concat(Arrays.copyOfRange(idBytes, 4 - length, 4), new byte[] {(byte) (0x80 | payload.length)}, payload);
    }

    private static byte[] concat(byte[]... parts) {
        var out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
