package dev.videolinks.facts;

import java.nio.charset.StandardCharsets;

/**
 * The bytes of one object version as the facts parsers see them: its size, and windows of it fetched on demand, at
 * most {@value #MAX_READS} of them and each at most {@value #MAX_READ_BYTES} bytes. Whatever a file claims, reading
 * its facts costs a bounded number of requests and bytes; a parser that would need more gets {@link Unreadable}.
 * The windows read are kept: {@link #at} answers from them when it can, and otherwise reads
 * {@value #HEAD_BYTES} bytes (or what is asked, if more) from the position asked, so that what follows a box or an
 * element comes with it.
 */
final class ByteRanges {

    static final int MAX_READS = 3;
    static final int MAX_READ_BYTES = 4 * 1024 * 1024;
    /**
     * The first read, and any read of a region whose size is not known yet: enough for the {@code moov} of a
     * faststart MP4 of a minute or two, or a WebM's header, Info and Tracks, in one request.
     */
    static final int HEAD_BYTES = 64 * 1024;

    /** One ranged read of {@code length} bytes at {@code offset} (a ranged GET, or a slice of bytes in memory). */
    interface Fetch {
        byte[] fetch(long offset, int length) throws Unreadable;
    }

    /** Why a file's facts cannot be read: said in the WARN line, never thrown past {@link VideoFactsReader}. */
    static final class Unreadable extends Exception {
        Unreadable(String reason) {
            super(reason, null, false, false);
        }
    }

    private final long size;
    private final Fetch fetch;
    private final java.util.List<Window> windows = new java.util.ArrayList<>();
    private int reads;
    private long bytesRead;
    private boolean fetching;

    ByteRanges(long size, Fetch fetch) {
        this.size = size;
        this.fetch = fetch;
    }

    /** The bytes of an array, for tests and priming. */
    static ByteRanges of(byte[] bytes) {
        return new ByteRanges(bytes.length, (offset, length) -> java.util.Arrays.copyOfRange(bytes, (int) offset, (int) offset + length));
    }

    long size() {
        return size;
    }

    int reads() {
        return reads;
    }

    /** Whether what was thrown came out of a fetch (S3's failure, not the parser's). */
    boolean failedInFetch() {
        return fetching;
    }

    int readsLeft() {
        return MAX_READS - reads;
    }

    /** Whether {@code [position, position + length)} lies in a window read already. */
    boolean has(long position, long length) {
        return windows.stream().anyMatch(window -> window.contains(position, length));
    }

    /**
     * A window holding {@code [position, position + length)}: one read already, or one more read of at least
     * {@value #HEAD_BYTES} bytes from {@code position} (fewer at the object's end).
     */
    Window at(long position, long length) throws Unreadable {
        for (Window window : windows) {
            if (window.contains(position, length)) {
                return window;
            }
        }
        if (position < 0 || length < 0 || position > size - length) {
            throw new Unreadable("bytes " + position + "+" + length + " lie outside the " + size + "-byte object");
        }
        return read(position, Math.min(Math.max(length, HEAD_BYTES), size - position));
    }

    long bytesRead() {
        return bytesRead;
    }

    /** {@code length} bytes at {@code offset}, which must lie within the object: one more of the bounded reads. */
    Window read(long offset, long length) throws Unreadable {
        if (offset < 0 || length <= 0 || offset > size - length) {
            throw new Unreadable("bytes " + offset + "+" + length + " lie outside the " + size + "-byte object");
        }
        if (length > MAX_READ_BYTES) {
            throw new Unreadable("the facts would need a read of " + length + " bytes; at most " + MAX_READ_BYTES + " are read");
        }
        if (reads == MAX_READS) {
            throw new Unreadable("the facts would need more than " + MAX_READS + " reads");
        }
        reads++;
        fetching = true;
        byte[] data = fetch.fetch(offset, (int) length);
        fetching = false;
        bytesRead += data.length;
        if (data.length != length) {
            throw new Unreadable("asked for " + length + " bytes at " + offset + ", got " + data.length);
        }
        var window = new Window(offset, data);
        windows.add(window);
        return window;
    }

    /**
     * Bytes {@code [offset, offset + data.length)} of the object. Every accessor checks that what it reads lies
     * within them: a length field that points past what was read is {@link Unreadable}, never an index error.
     */
    static final class Window {
        private final long offset;
        private final byte[] data;

        Window(long offset, byte[] data) {
            this.offset = offset;
            this.data = data;
        }

        long offset() {
            return offset;
        }

        long end() {
            return offset + data.length;
        }

        boolean contains(long position, long length) {
            return position >= offset && length >= 0 && position <= end() - length;
        }

        private int at(long position, int length) throws Unreadable {
            if (!contains(position, length)) {
                throw new Unreadable(length + " bytes at " + position + " lie past the bytes read (" + offset + " to " + end() + ")");
            }
            return (int) (position - offset);
        }

        int u8(long position) throws Unreadable {
            return data[at(position, 1)] & 0xff;
        }

        int u16(long position) throws Unreadable {
            int i = at(position, 2);
            return (data[i] & 0xff) << 8 | data[i + 1] & 0xff;
        }

        int s32(long position) throws Unreadable {
            int i = at(position, 4);
            return (data[i] & 0xff) << 24 | (data[i + 1] & 0xff) << 16 | (data[i + 2] & 0xff) << 8 | data[i + 3] & 0xff;
        }

        long u32(long position) throws Unreadable {
            return s32(position) & 0xffffffffL;
        }

        /** A 64-bit field; negative when its top bit is set (larger than any object). */
        long s64(long position) throws Unreadable {
            return u32(position) << 32 | u32(position + 4);
        }

        /** An unsigned big-endian number of 0 to 8 bytes; negative when it does not fit a long. */
        long unsigned(long position, int length) throws Unreadable {
            int i = at(position, length);
            long value = 0;
            for (int k = 0; k < length; k++) {
                value = value << 8 | data[i + k] & 0xff;
            }
            return value;
        }

        byte[] bytes(long position, int length) throws Unreadable {
            int i = at(position, length);
            return java.util.Arrays.copyOfRange(data, i, i + length);
        }

        String latin1(long position, int length) throws Unreadable {
            return new String(data, at(position, length), length, StandardCharsets.ISO_8859_1);
        }
    }
}
