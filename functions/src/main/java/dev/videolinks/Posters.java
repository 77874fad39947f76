package dev.videolinks;

import dev.videolinks.store.ImageIndex;
import dev.videolinks.store.VideoStore;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Posters (SPEC §3): the image a video's metadata {@code poster-key} names under the prefix, else an image beside
 * the video with its base name ({@code clip.jpg}, {@code .jpeg}, {@code .png}, {@code .webp}, in that order of
 * preference, for {@code clip.mp4}). Found when the video is recorded, and kept with it in the table, so the API
 * signs it without asking S3.
 *
 * <p>Either may come first. An image's own event lists the keys beside it (one ListObjectsV2), records which
 * images share that base name in the {@link ImageIndex} and gives each recorded video beside it its poster. A
 * video reads that record (one GetItem, not a listing: most videos have no poster) before it is recorded, and again
 * after ({@link #recorded}). So an image that lands while its video is being recorded is seen by one or the other:
 * the image's event finds the video recorded, or the video's second read finds the image.
 */
public final class Posters {

    public static final String POSTER_KEY = "poster-key";
    /** Image extensions, in the order of preference when several images share a video's base name. */
    static final List<String> EXTENSIONS = List.of("jpg", "jpeg", "png", "webp");
    private static final Map<String, String> TYPES = Map.of("jpg", "image/jpeg", "jpeg", "image/jpeg", "png", "image/png",
            "webp", "image/webp");
    /** The keys one listing looks at (one ListObjectsV2 page): a video, its images and sidecars, with room to spare. */
    static final int MAX_SIBLINGS = 100;
    /** Reads of a video's key, when its version changed between the read and the poster's write. */
    private static final int ATTEMPTS = 3;

    /** The videos and the images (with their ETags) that share a base name, and the best of those images (or null). */
    record Siblings(List<String> videos, Map<String, String> images) {
        String image() {
            return best(List.copyOf(images.keySet()));
        }
    }

    /** A video's poster: the image's key and its ETag (null when not known). */
    record Poster(String key, String etag) {
        static final Poster NONE = new Poster(null, null);
    }

    /** The videos whose poster an image's event set, the job of the first, and the image they have now (or null). */
    record Attached(List<String> videos, String jobId, String image) {}

    private final String bucket;
    private final VideoKeys keys;
    private final S3Client s3;
    private final VideoStore store;
    private final ImageIndex images;

    Posters(String bucket, VideoKeys keys, S3Client s3, VideoStore store, ImageIndex images) {
        this.bucket = bucket;
        this.keys = keys;
        this.s3 = s3;
        this.store = store;
        this.images = images;
    }

    /** The extension of the key's last path segment, or null. */
    public static String extension(String key) {
        int dot = key.lastIndexOf('.');
        return dot < 0 || dot < key.lastIndexOf('/') ? null : key.substring(dot + 1);
    }

    /** The key without the extension of its last path segment. */
    public static String baseName(String key) {
        String extension = extension(key);
        return extension == null ? key : key.substring(0, key.length() - extension.length() - 1);
    }

    static boolean isImage(String key) {
        String extension = extension(key);
        return extension != null && TYPES.containsKey(extension.toLowerCase(Locale.ROOT));
    }

    static String imageType(String key) {
        String extension = extension(key);
        return extension == null ? "application/octet-stream"
                : TYPES.getOrDefault(extension.toLowerCase(Locale.ROOT), "application/octet-stream");
    }

    /** A {@code poster-key} the function may sign: an image under the prefix that a browser can fetch. */
    boolean isPosterKey(String key) {
        return keys.isCandidate(key) && isImage(key) && !VideoKeys.hasDotSegment(key)
                && key.getBytes(StandardCharsets.UTF_8).length <= 1024;
    }

    /**
     * The poster of a video about to be recorded: the key its metadata names, else the best image beside it, as
     * the images' own events recorded them.
     */
    Poster posterOf(Video video, Log log) {
        String named = video.metadata().get(POSTER_KEY);
        if (named != null) {
            if (isPosterKey(named)) {
                return new Poster(named, images.imagesBeside(baseName(named)).get(extension(named)));
            }
            log.warn("video.poster_key_ignored", "job_id", video.jobId(), "key", video.key(), "reason", "metadata poster-key"
                    + " must name a .jpg, .jpeg, .png or .webp object under VIDEO_PREFIX; looking for an image beside the video");
        }
        return beside(video.key());
    }

    /** The best image beside the key, as the images' own events recorded them. */
    private Poster beside(String key) {
        String base = baseName(key);
        Map<String, String> found = images.imagesBeside(base);
        String best = best(found.keySet().stream().map(extension -> base + "." + extension).toList());
        return best == null ? Poster.NONE : new Poster(best, found.get(extension(best)));
    }

    /**
     * A video was just recorded with the poster {@link #posterOf} found: an image beside it that landed in between
     * (its event wrote the image index before it looked for the video, and did not find it yet) is its poster now.
     * The video read the index before its write and reads it again after, so one of the two sees the image.
     */
    void recorded(Video video) {
        if (video.metadata().containsKey(POSTER_KEY) && isPosterKey(video.metadata().get(POSTER_KEY))) {
            return;
        }
        Poster now = beside(video.key());
        if (now.key() != null && (!now.key().equals(video.posterKey()) || !java.util.Objects.equals(now.etag(), video.posterEtag()))) {
            images.setPoster(new VideoVersion(video.jobId(), video.key(), video.etag(), video.versionId()),
                    extension(now.key()), now.etag());
        }
    }

    /**
     * An image was created or removed: every recorded video with its base name gets the best image beside it now
     * (none after the last one went), unless its metadata names its poster. No webhook: the API answers it.
     */
    Attached imageChanged(String imageKey) {
        Siblings siblings = siblings(imageKey);
        var byExtension = new java.util.TreeMap<String, String>();
        siblings.images().forEach((image, etag) -> byExtension.put(extension(image), etag));
        images.recordImages(baseName(imageKey), byExtension);
        String best = siblings.image();
        String extension = best == null ? null : extension(best);
        String etag = best == null ? null : siblings.images().get(best);
        var videos = new java.util.ArrayList<String>();
        String jobId = null;
        for (String video : siblings.videos()) {
            Optional<String> job = attach(video, extension, etag);
            if (job.isPresent()) {
                videos.add(video);
                jobId = jobId == null ? job.get() : jobId;
            }
        }
        return new Attached(videos, jobId, siblings.image());
    }

    /**
     * Gives the recorded video this poster extension (or none); the job it is in, or empty if it is not recorded. A
     * version recorded between the read of the key and the write is read again, a few times at most.
     */
    private Optional<String> attach(String videoKey, String extension, String etag) {
        for (int round = 0; round < ATTEMPTS; round++) {
            Optional<VideoVersion> holding = store.holding(videoKey);
            if (holding.isEmpty()) {
                // Not recorded yet: when it is, the video reads the image index, which this event wrote before looking.
                return Optional.empty();
            }
            var set = images.setPoster(holding.get(), extension, etag);
            switch (set) {
                case SET -> {
                    return Optional.of(holding.get().jobId());
                }
                case NAMED_BY_METADATA -> {
                    return Optional.empty();
                }
                case NOT_RECORDED -> { }
            }
        }
        return Optional.empty();
    }

    /**
     * The keys that share this key's base name, from one listing of the first {@value #MAX_SIBLINGS} keys that
     * start with it and a dot: those of videos, and those of images. Longer names are not beside it
     * ({@code clip.v2.jpg} is not the poster of {@code clip.mp4}); nor are keys in deeper folders.
     */
    Siblings siblings(String key) {
        String prefix = baseName(key) + ".";
        var listed = s3.listObjectsV2(list -> list.bucket(bucket).prefix(prefix).delimiter("/").maxKeys(MAX_SIBLINGS))
                .contents().stream()
                .filter(sibling -> sibling.key().indexOf('.', prefix.length()) < 0 && sibling.key().indexOf('/', prefix.length()) < 0)
                .toList();
        var images = new java.util.LinkedHashMap<String, String>();
        listed.stream().filter(sibling -> isImage(sibling.key()))
                .forEach(image -> images.put(image.key(), image.eTag() == null ? null : image.eTag().replace("\"", "")));
        return new Siblings(listed.stream().map(software.amazon.awssdk.services.s3.model.S3Object::key)
                .filter(keys::hasVideoExtension).toList(), images);
    }

    /** The preferred image: by extension ({@link #EXTENSIONS}, any case), then by key; null when there is none. */
    static String best(List<String> images) {
        return images.stream().filter(Posters::isImage)
                .min(Comparator.comparingInt((String k) -> EXTENSIONS.indexOf(extension(k).toLowerCase(Locale.ROOT)))
                        .thenComparing(Comparator.naturalOrder()))
                .orElse(null);
    }
}
