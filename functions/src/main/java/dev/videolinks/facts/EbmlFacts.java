package dev.videolinks.facts;

import dev.videolinks.facts.ByteRanges.Unreadable;
import dev.videolinks.facts.ByteRanges.Window;
import dev.videolinks.facts.EbmlElements.Element;

/**
 * The facts of a WebM or Matroska file (EBML, RFC 8794; Matroska, RFC 9559): the EBML header's DocType (the
 * container), then the Segment's top-level elements in order until Info (TimecodeScale, Duration) and Tracks
 * ({@link MatroskaTracks}) are read, jumping where the SeekHead points when they are not before the first Cluster.
 * A file without Duration (a browser's MediaRecorder writes none), or with one that is not a length (0, NaN,
 * infinite), has a null duration and keeps its other facts; WebM has no "faststart", so that fact is null. A file
 * cut off (a Segment that claims more bytes than the object has) keeps what was read, with a warning.
 *
 * <p>Every element's size is checked against its parent and against what was read before anything is read
 * through it; an unknown size (all ones) is accepted only for the Segment and a Cluster, where the walk ends;
 * only the elements on the path to those facts are entered (at most four deep); at most
 * {@value EbmlElements#MAX_ELEMENTS} elements are looked at; the reads are {@link ByteRanges}'.
 */
final class EbmlFacts {

    private static final long EBML = 0x1A45DFA3L;
    private static final long DOC_TYPE = 0x4282;
    private static final long SEGMENT = 0x18538067L;
    private static final long SEEK_HEAD = 0x114D9B74L;
    private static final long SEEK = 0x4DBB;
    private static final long SEEK_ID = 0x53AB;
    private static final long SEEK_POSITION = 0x53AC;
    private static final long INFO = 0x1549A966L;
    private static final long TIMECODE_SCALE = 0x2AD7B1;
    private static final long DURATION = 0x4489;
    private static final long TRACKS = 0x1654AE6BL;
    private static final long CLUSTER = 0x1F43B675L;
    private static final long SIMPLE_BLOCK = 0xA3;
    private static final long BLOCK_GROUP = 0xA0;
    private static final long BLOCK = 0xA1;

    private final ByteRanges ranges;
    private final EbmlElements elements;
    private final MatroskaTracks trackEntries = new MatroskaTracks();
    private String container;
    private long timecodeScale = 1_000_000;
    private Double duration;
    private boolean info;
    private boolean tracks;
    private long infoAt = -1;
    private long tracksAt = -1;
    private long clusterAt = -1;
    private String warning;
    private long claimLimit;

    private EbmlFacts(ByteRanges ranges) {
        this.ranges = ranges;
        this.elements = new EbmlElements(ranges);
    }

    /** Whether the object starts with an EBML header. */
    static boolean looksLike(Window head) {
        try {
            return head.contains(0, 4) && head.u32(0) == EBML;
        } catch (Unreadable e) {
            return false;
        }
    }

    static IsoBmffFacts.Parsed read(ByteRanges ranges) throws Unreadable {
        var parser = new EbmlFacts(ranges);
        VideoFacts facts = parser.walk();
        return new IsoBmffFacts.Parsed(facts, parser.warning);
    }

    private VideoFacts walk() throws Unreadable {
        long size = ranges.size();
        Element header = elements.element(0, size);
        if (header.id() != EBML || header.size() == EbmlElements.UNKNOWN_SIZE) {
            throw new Unreadable("no EBML header of known size");
        }
        Window head = elements.whole(header);
        elements.children(head, header, child -> {
            if (child.id() == DOC_TYPE) {
                String docType = EbmlElements.string(head, child);
                if (!docType.equals("webm") && !docType.equals("matroska")) {
                    throw new Unreadable("DocType '" + docType + "' is neither webm nor matroska");
                }
                container = docType.equals("webm") ? "webm" : "mkv";
            }
        });
        Element segment = elements.element(ranges.at(header.end(), Math.min(12, size - header.end())), header.end(), Long.MAX_VALUE);
        if (segment.id() != SEGMENT) {
            throw new Unreadable("no Segment after the EBML header");
        }
        long segmentEnd = segment.size() == EbmlElements.UNKNOWN_SIZE ? size : segment.end();
        if (segmentEnd > size) {
            warning = "the file is cut off: its Segment claims " + segment.size() + " bytes, the object holds "
                    + (size - segment.data()) + " of them";
            segmentEnd = size;
        }
        // In a file cut off, the element the cut runs through claims more than the Segment holds: a Cluster is
        // still found (the facts come before it), anything else is cut off.
        this.claimLimit = warning == null ? segmentEnd : Long.MAX_VALUE;
        long p = segment.data();
        while (p < segmentEnd && !(info && tracks)) {
            Element child = header(p, segmentEnd);
            if (child.id() == CLUSTER) {
                clusterAt = p;
                break;
            }
            if (child.size() == EbmlElements.UNKNOWN_SIZE) {
                throw new Unreadable("element 0x" + Long.toHexString(child.id()) + " at " + p + " has an unknown size");
            }
            if (child.id() == SEEK_HEAD || child.id() == INFO || child.id() == TRACKS) {
                topLevel(child, segment.data());
            }
            p = child.end();
        }
        // Not before the first Cluster: where the SeekHead says they are.
        for (long at : new long[] {infoAt, tracksAt}) {
            if (at >= 0 && !(info && tracks) && at < segmentEnd) {
                Element child = header(at, segmentEnd);
                if ((child.id() == INFO || child.id() == TRACKS) && child.size() != EbmlElements.UNKNOWN_SIZE) {
                    topLevel(child, segment.data());
                }
            }
        }
        if (!tracks) {
            throw new Unreadable("no Tracks element before the first Cluster or where the SeekHead points");
        }
        // The first Cluster, if it follows within what was read: a VP9 track without CodecPrivate needs its first frame.
        while (trackEntries.needsFirstFrame() && clusterAt < 0 && p < segmentEnd && ranges.has(p, Math.min(12, segmentEnd - p))) {
            Element child = header(p, segmentEnd);
            if (child.id() == CLUSTER) {
                clusterAt = p;
            } else if (child.size() == EbmlElements.UNKNOWN_SIZE) {
                break;
            }
            p = child.end();
        }
        if (trackEntries.needsFirstFrame() && clusterAt >= 0 && ranges.has(clusterAt, 64)) {
            firstFrame(clusterAt, segmentEnd);
        }
        Long millis = duration == null ? null : VideoFacts.millis(duration * timecodeScale, 1_000_000_000.0);
        return trackEntries.facts(container, millis);
    }

    /** A top-level element's header, read where it stands: within the Segment, but a Cluster the cut runs through. */
    private Element header(long start, long segmentEnd) throws Unreadable {
        Element element = elements.element(ranges.at(start, Math.min(12, segmentEnd - start)), start, claimLimit);
        if (element.id() != CLUSTER && element.size() != EbmlElements.UNKNOWN_SIZE && element.end() > segmentEnd) {
            throw new Unreadable("element 0x" + Long.toHexString(element.id()) + " at " + start + " claims "
                    + element.size() + " bytes, past the end of its parent at " + segmentEnd + ": the file is cut off");
        }
        return element;
    }

    /**
     * The first block of the video track in the first Cluster, when it lies in the bytes read already: its frame's
     * header (VP9's profile and bit depth). A block that is laced, cut off or not read yet is left alone: the
     * frame only adds details.
     */
    private void firstFrame(long clusterStart, long segmentEnd) throws Unreadable {
        Element cluster = header(clusterStart, segmentEnd);
        long end = cluster.size() == EbmlElements.UNKNOWN_SIZE ? segmentEnd : Math.min(cluster.end(), segmentEnd);
        for (long p = cluster.data(), seen = 0; p < end && seen < 16 && ranges.has(p, 12); seen++) {
            Element child;
            try {
                child = elements.element(p, end);
            } catch (Unreadable cutOff) {
                return;
            }
            if (child.size() == EbmlElements.UNKNOWN_SIZE || !ranges.has(child.start(), child.end() - child.start())) {
                return;
            }
            Window window = ranges.at(child.start(), child.end() - child.start());
            Element block = child;
            if (child.id() == BLOCK_GROUP) {
                block = null;
                for (long q = child.data(); q < child.end(); ) {
                    Element inner = elements.element(window, q, child.end());
                    if (inner.id() == BLOCK) {
                        block = inner;
                        break;
                    }
                    q = inner.end();
                }
            }
            if (block != null && (block.id() == SIMPLE_BLOCK || block.id() == BLOCK) && block.size() > 4) {
                int first = window.u8(block.data());
                int length = Integer.numberOfLeadingZeros(first) - 23;
                if (length >= 1 && length <= 8 && block.size() > length + 3) {
                    long track = window.unsigned(block.data(), length) & ((1L << (7 * length)) - 1);
                    int flags = window.u8(block.data() + length + 2);
                    if (track == trackEntries.videoTrackNumber() && (flags & 0x06) == 0) {
                        long frame = block.data() + length + 3;
                        trackEntries.firstFrame(CodecConfig.vp9Frame(window, frame, block.end() - frame));
                        return;
                    }
                }
            }
            p = child.end();
        }
    }

    private void topLevel(Element element, long segmentData) throws Unreadable {
        Window window = elements.whole(element);
        if (element.id() == SEEK_HEAD) {
            elements.children(window, element, seek -> {
                if (seek.id() == SEEK) {
                    long[] target = {0, -1};
                    elements.children(window, seek, field -> {
                        if (field.id() == SEEK_ID) {
                            target[0] = EbmlElements.unsigned(window, field);
                        } else if (field.id() == SEEK_POSITION) {
                            target[1] = EbmlElements.unsigned(window, field);
                        }
                    });
                    if (target[1] >= 0 && target[1] < ranges.size() - segmentData) {
                        if (target[0] == INFO && infoAt < 0) {
                            infoAt = segmentData + target[1];
                        } else if (target[0] == TRACKS && tracksAt < 0) {
                            tracksAt = segmentData + target[1];
                        }
                    }
                }
            });
        } else if (element.id() == INFO && !info) {
            elements.children(window, element, field -> {
                if (field.id() == TIMECODE_SCALE) {
                    long scale = EbmlElements.unsigned(window, field);
                    timecodeScale = scale == 0 ? timecodeScale : scale;
                } else if (field.id() == DURATION) {
                    duration = EbmlElements.number(window, field);
                }
            });
            info = true;
        } else if (element.id() == TRACKS && !tracks) {
            trackEntries.read(elements, window, element);
            tracks = true;
        }
    }
}
