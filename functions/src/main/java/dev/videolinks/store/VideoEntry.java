package dev.videolinks.store;

import dev.videolinks.facts.VideoFacts;
import static dev.videolinks.store.Attributes.n;
import static dev.videolinks.store.Attributes.s;

import dev.videolinks.Posters;
import dev.videolinks.Video;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A video's entry in its job's map of videos, and the video read back from one: the one place a {@link Video}
 * becomes attributes and attributes become a {@code Video}. Names are short because 100 entries share the item's
 * 400 KB.
 */
final class VideoEntry {

    /** The largest video entry, its key included: 100 of them and the job's own attributes stay under 400 KB. */
    static final int MAX_ENTRY_BYTES = VideoStore.MAX_ENTRY_BYTES;

    /** The {@code pst} of a video whose poster is the key its metadata {@code poster-key} names. */
    static final String POSTER_FROM_METADATA = Posters.POSTER_KEY;
    static final String POSTER = "pst";
    static final String POSTER_ETAG = "pse";
    private static final String ETAG = "etag";
    private static final String VERSION_ID = "vid";

    /** The longest ETag S3 gives: 32 hexadecimal digits, or those, a dash and up to 10,000 parts. */
    static final int MAX_ETAG = 32 + 1 + 5;

    /**
     * What the facts and the poster add to an entry at most: the container, a 12-digit duration, 5-digit sides, a
     * bit depth, the chroma, 32-character names of the video codec, its profile and level and the audio codec, two
     * booleans, "poster-key", the poster's ETag.
     */
    static final int MAX_FACTS_BYTES = (3 + 4) + (4 + 7) + 2 * (2 + 4) + (3 + 2) + (3 + 5) + (3 + VideoFacts.MAX_NAME_LENGTH)
            + (3 + VideoFacts.MAX_PROFILE_LENGTH) + (3 + VideoFacts.MAX_LEVEL_LENGTH) + (3 + VideoFacts.MAX_AUDIO_CODEC_LENGTH)
            + 2 * (3 + 1) + (4 + POSTER_FROM_METADATA.length()) + (4 + MAX_ETAG);

    private VideoEntry() {}

    /** Whether the video's entry is within {@value #MAX_ENTRY_BYTES} bytes, so the job's item stays within 400 KB. */
    static boolean fits(Video video) {
        return size(video.key(), of(video)) <= MAX_ENTRY_BYTES;
    }

    /** What an entry adds to the item: its key as the map element's name, its value, one byte of overhead. */
    static int size(String key, AttributeValue entry) {
        return 1 + key.getBytes(StandardCharsets.UTF_8).length + Attributes.size(entry);
    }

    /**
     * The video's entry. Its facts take at most {@value #MAX_FACTS_BYTES} bytes more (numbers, a short codec name,
     * two booleans) and its poster only an extension, or a word saying that the metadata names it: never a second key.
     */
    static AttributeValue of(Video video) {
        var entry = new HashMap<String, AttributeValue>();
        entry.put(ETAG, s(video.etag()));
        entry.put("size", n(video.size()));
        entry.put("type", s(video.contentType()));
        entry.put("count", n(video.videoCount()));
        entry.put("at", n(video.recordedAt().getEpochSecond()));
        entry.put("meta", AttributeValue.fromM(video.metadata().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> s(e.getValue())))));
        putText(entry, VERSION_ID, video.versionId());
        putText(entry, "seq", video.sequencer());
        VideoFacts facts = video.facts();
        putText(entry, "ct", facts.container());
        putNumber(entry, "dur", facts.durationMillis());
        putNumber(entry, "w", facts.width());
        putNumber(entry, "h", facts.height());
        putText(entry, "vc", facts.videoCodec());
        putText(entry, "vp", facts.videoProfile());
        putText(entry, "vl", facts.videoLevel());
        putNumber(entry, "bd", facts.bitDepth());
        putText(entry, "cs", facts.chroma());
        putText(entry, "ac", facts.audioCodec());
        if (facts.hasAudio() != null) {
            entry.put("au", AttributeValue.fromBool(facts.hasAudio()));
        }
        if (facts.faststart() != null) {
            entry.put("fs", AttributeValue.fromBool(facts.faststart()));
        }
        if (video.posterKey() != null) {
            entry.put(POSTER, s(poster(video)));
            putText(entry, POSTER_ETAG, video.posterEtag());
        }
        return AttributeValue.fromM(entry);
    }

    /** The video an entry holds; {@code owner} and {@code bucket} are the job's, which the entry does not repeat. */
    static Video toVideo(String jobId, String owner, String bucket, String key, Map<String, AttributeValue> entry) {
        Map<String, String> metadata = entry.get("meta").m().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().s()));
        Long width = optionalNumber(entry, "w");
        Long height = optionalNumber(entry, "h");
        Long bitDepth = optionalNumber(entry, "bd");
        var facts = new VideoFacts(Attributes.text(entry, "ct"), optionalNumber(entry, "dur"),
                width == null ? null : width.intValue(), height == null ? null : height.intValue(),
                Attributes.text(entry, "vc"), Attributes.text(entry, "vp"), Attributes.text(entry, "vl"),
                bitDepth == null ? null : bitDepth.intValue(), Attributes.text(entry, "cs"), bool(entry, "au"),
                Attributes.text(entry, "ac"), bool(entry, "fs"));
        return Video.builder().jobId(jobId).userId(owner).videoCount((int) Attributes.number(entry, "count", 1))
                .bucket(bucket).key(key).etag(entry.get("etag").s()).versionId(Attributes.text(entry, "vid"))
                .size(Attributes.number(entry, "size", 0)).contentType(entry.get("type").s()).metadata(metadata)
                .sequencer(Attributes.text(entry, "seq")).recordedAt(Attributes.epoch(entry, "at"))
                .facts(facts).posterKey(posterKey(key, metadata, Attributes.text(entry, POSTER)))
                .posterEtag(Attributes.text(entry, POSTER_ETAG))
                .build();
    }

    /** The update holds only while the key's entry in its job is still that version. */
    static ItemUpdate whenVersionIs(ItemUpdate update, dev.videolinks.VideoVersion version) {
        update.when("#.#.# = ?", JobItem.VIDEOS, version.key(), ETAG, s(version.etag()));
        return version.versionId() == null
                ? update.when("attribute_not_exists(#.#.#)", JobItem.VIDEOS, version.key(), VERSION_ID)
                : update.when("#.#.# = ?", JobItem.VIDEOS, version.key(), VERSION_ID, s(version.versionId()));
    }

    /** Whether the entry is the version {@code etag}/{@code versionId} and its metadata names its poster. */
    static boolean namesItsPoster(AttributeValue entry, String etag, String versionId) {
        if (entry == null) {
            return false;
        }
        Map<String, AttributeValue> fields = entry.m();
        return etag.equals(Attributes.text(fields, "etag")) && java.util.Objects.equals(versionId, Attributes.text(fields, "vid"))
                && POSTER_FROM_METADATA.equals(Attributes.text(fields, "pst"));
    }

    /** The poster as stored: the word for "the metadata names it", or the extension of the image beside the video. */
    private static String poster(Video video) {
        if (video.posterKey().equals(video.metadata().get(Posters.POSTER_KEY))) {
            return POSTER_FROM_METADATA;
        }
        String extension = Posters.extension(video.posterKey());
        if (extension == null || !video.posterKey().equals(Posters.baseName(video.key()) + "." + extension)) {
            throw new IllegalArgumentException("the poster of " + video.key() + " is neither named by its metadata nor beside it");
        }
        return extension;
    }

    private static String posterKey(String key, Map<String, String> metadata, String stored) {
        if (stored == null) {
            return null;
        }
        return stored.equals(POSTER_FROM_METADATA) ? metadata.get(Posters.POSTER_KEY) : Posters.baseName(key) + "." + stored;
    }

    private static void putText(Map<String, AttributeValue> entry, String name, String value) {
        if (value != null) {
            entry.put(name, s(value));
        }
    }

    private static void putNumber(Map<String, AttributeValue> entry, String name, Number value) {
        if (value != null) {
            entry.put(name, n(value.longValue()));
        }
    }

    private static Long optionalNumber(Map<String, AttributeValue> entry, String name) {
        AttributeValue value = entry.get(name);
        return value == null || value.n() == null ? null : Long.parseLong(value.n());
    }

    private static Boolean bool(Map<String, AttributeValue> entry, String name) {
        AttributeValue value = entry.get(name);
        return value == null ? null : value.bool();
    }
}
