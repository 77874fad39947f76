package dev.videolinks;

import dev.videolinks.ByteRanges.Unreadable;
import dev.videolinks.ByteRanges.Window;
import dev.videolinks.EbmlElements.Element;

/**
 * The facts of a WebM or Matroska file (EBML, RFC 8794; Matroska, RFC 9559): the EBML header's DocType, then the
 * Segment's top-level elements in order until Info (TimecodeScale, Duration) and Tracks (each TrackEntry's
 * TrackType, CodecID and Video PixelWidth/PixelHeight) are read, jumping where the SeekHead points when they are
 * not before the first Cluster. A file without Duration (a browser's MediaRecorder writes none) has a null
 * duration; WebM has no "faststart", so that fact is null.
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

    private final ByteRanges ranges;
    private final EbmlElements elements = new EbmlElements();
    private long timecodeScale = 1_000_000;
    private Double duration;
    private boolean info;
    private boolean tracks;
    private long infoAt = -1;
    private long tracksAt = -1;
    private final MatroskaTracks trackEntries = new MatroskaTracks();

    private EbmlFacts(ByteRanges ranges) {
        this.ranges = ranges;
    }

    /** Whether the object starts with an EBML header. */
    static boolean looksLike(Window head) {
        try {
            return head.contains(0, 4) && head.u32(0) == EBML;
        } catch (Unreadable e) {
            return false;
        }
    }

    static VideoFacts read(ByteRanges ranges, Window head) throws Unreadable {
        return new EbmlFacts(ranges).walk(head);
    }

    private VideoFacts walk(Window head) throws Unreadable {
        long size = ranges.size();
        Element header = elements.element(head, 0, size);
        if (header.id() != EBML || header.size() == EbmlElements.UNKNOWN_SIZE) {
            throw new Unreadable("no EBML header of known size");
        }
        EbmlElements.need(head, header);
        elements.children(head, header, child -> {
            if (child.id() == DOC_TYPE) {
                String docType = EbmlElements.string(head, child);
                if (!docType.equals("webm") && !docType.equals("matroska")) {
                    throw new Unreadable("DocType '" + docType + "' is neither webm nor matroska");
                }
            }
        });
        Element segment = elements.element(head, header.end(), size);
        if (segment.id() != SEGMENT) {
            throw new Unreadable("no Segment after the EBML header");
        }
        long segmentEnd = segment.size() == EbmlElements.UNKNOWN_SIZE ? size : segment.end();
        Window window = head;
        for (long p = segment.data(); p < segmentEnd && !(info && tracks); ) {
            if (!window.contains(p, Math.min(12, segmentEnd - p))) {
                window = ranges.read(p, Math.min(ByteRanges.HEAD_BYTES, segmentEnd - p));
            }
            Element child = elements.element(window, p, segmentEnd);
            if (child.id() == CLUSTER) {
                break;
            }
            if (child.size() == EbmlElements.UNKNOWN_SIZE) {
                throw new Unreadable("element 0x" + Long.toHexString(child.id()) + " at " + p + " has an unknown size");
            }
            if (child.id() == SEEK_HEAD || child.id() == INFO || child.id() == TRACKS) {
                window = whole(window, child);
                topLevel(window, child, segment.data());
            }
            p = child.end();
        }
        // Not before the first Cluster: where the SeekHead says they are.
        for (long at : new long[] {infoAt, tracksAt}) {
            if (at >= 0 && !(info && tracks) && at < segmentEnd) {
                if (!window.contains(at, Math.min(12, segmentEnd - at))) {
                    window = ranges.read(at, Math.min(ByteRanges.HEAD_BYTES, segmentEnd - at));
                }
                Element child = elements.element(window, at, segmentEnd);
                if ((child.id() == INFO || child.id() == TRACKS) && child.size() != EbmlElements.UNKNOWN_SIZE) {
                    window = whole(window, child);
                    topLevel(window, child, segment.data());
                }
            }
        }
        if (!info || !tracks) {
            throw new Unreadable("no " + (info ? "Tracks" : "Info") + " element before the first Cluster or where the SeekHead points");
        }
        Long millis = null;
        if (duration != null) {
            double value = duration * timecodeScale / 1_000_000.0;
            if (!(value > 0) || value > VideoFacts.MAX_DURATION_MILLIS) {
                throw new Unreadable("Duration " + duration + " (TimecodeScale " + timecodeScale + ") is not a plausible length");
            }
            millis = Math.round(value);
        }
        return trackEntries.facts(millis);
    }

    /** The window holding the whole element: the current one, or one more read of exactly the element. */
    private Window whole(Window window, Element element) throws Unreadable {
        long length = element.end() - element.start();
        return window.contains(element.start(), length) ? window : ranges.read(element.start(), length);
    }

    private void topLevel(Window window, Element element, long segmentData) throws Unreadable {
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
                    timecodeScale = EbmlElements.unsigned(window, field);
                    if (timecodeScale == 0) {
                        throw new Unreadable("TimecodeScale is 0");
                    }
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
