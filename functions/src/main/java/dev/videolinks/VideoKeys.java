package dev.videolinks;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The rules of SPEC §2: which keys are videos, and which job and owner a video belongs to.
 */
final class VideoKeys {

    static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");
    static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9_.@|:-]{1,256}");
    static final int MAX_VIDEO_COUNT = dev.videolinks.store.VideoStore.MAX_VIDEOS;

    private static final Map<String, String> TYPES_BY_EXTENSION = Map.of(
            "mp4", "video/mp4",
            "m4v", "video/mp4",
            "mov", "video/quicktime",
            "webm", "video/webm",
            "mkv", "video/x-matroska");
    private static final Pattern LEGACY_NAME = Pattern.compile("video_([A-Za-z0-9_-]{1,128})\\.[A-Za-z0-9]+");

    private final String prefix;

    VideoKeys(String prefix) {
        this.prefix = prefix;
    }

    /** Inside the prefix and not a folder marker: worth a look. */
    boolean isCandidate(String key) {
        return key.startsWith(prefix) && key.length() > prefix.length() && !key.endsWith("/");
    }

    boolean hasVideoExtension(String key) {
        return impliedContentType(key).isPresent();
    }

    /** A video by its name, or by the Content-Type it was stored with. */
    boolean isVideo(String key, String storedContentType) {
        return hasVideoExtension(key)
                || (storedContentType != null && storedContentType.toLowerCase(Locale.ROOT).startsWith("video/"));
    }

    /** The type a browser needs to play the object: the stored one unless it is missing or generic. */
    static String playableContentType(String key, String storedContentType) {
        if (storedContentType != null && !isGeneric(storedContentType)) {
            return storedContentType;
        }
        return impliedContentType(key).orElse(storedContentType == null ? "application/octet-stream" : storedContentType);
    }

    static boolean isGeneric(String contentType) {
        String type = contentType.toLowerCase(Locale.ROOT).split(";", 2)[0].strip();
        return type.isEmpty() || type.equals("binary/octet-stream") || type.equals("application/octet-stream");
    }

    static Optional<String> impliedContentType(String key) {
        int dot = key.lastIndexOf('.');
        if (dot < 0 || dot < key.lastIndexOf('/')) {
            return Optional.empty();
        }
        return Optional.ofNullable(TYPES_BY_EXTENSION.get(key.substring(dot + 1).toLowerCase(Locale.ROOT)));
    }

    /** The longest Content-Type kept with a video: RFC 6838 names are at most 127 characters. */
    static final int MAX_CONTENT_TYPE = 127;

    /**
     * The Content-Type to keep: as stored, without its parameters when that is too long, generic when even the
     * bare type is (then the URL names the type the extension implies).
     */
    static String storedContentType(String stored) {
        if (stored == null) {
            return "binary/octet-stream";
        }
        if (stored.length() <= MAX_CONTENT_TYPE) {
            return stored;
        }
        String bare = stored.split(";", 2)[0].strip();
        return bare.length() <= MAX_CONTENT_TYPE ? bare : "application/octet-stream";
    }

    /**
     * A key with a {@code .} or {@code ..} segment: every browser resolves those segments (WHATWG URL parsing)
     * before sending, so the request no longer matches its signature.
     */
    static boolean hasDotSegment(String key) {
        for (String segment : key.split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                return true;
            }
        }
        return false;
    }

    static String filename(String key) {
        return key.substring(key.lastIndexOf('/') + 1);
    }

    /**
     * Job, owner and expected video count of an object, first match wins: metadata {@code job-id}/{@code user-id},
     * then {@code {prefix}{userId}/{jobId}/{filename}}, then {@code {prefix}video_{jobId}.{ext}}.
     */
    Located locate(String key, Map<String, String> metadata) {
        String metaJob = metadata.get("job-id");
        String metaUser = metadata.get("user-id");
        if (metaJob != null && !JOB_ID.matcher(metaJob).matches()) {
            return Located.rejected("metadata job-id is not a valid job id");
        }
        if (metaUser != null && !USER_ID.matcher(metaUser).matches()) {
            return Located.rejected("metadata user-id is not a valid user id");
        }
        int count;
        try {
            count = Integer.parseInt(metadata.getOrDefault("video-count", "1").strip());
        } catch (NumberFormatException e) {
            return Located.rejected("metadata video-count is not a number");
        }
        if (count < 1 || count > MAX_VIDEO_COUNT) {
            return Located.rejected("metadata video-count must be 1.." + MAX_VIDEO_COUNT);
        }

        var fromKey = fromKey(key);
        String job = metaJob != null ? metaJob : fromKey.map(KeyJob::jobId).orElse(null);
        if (job == null) {
            return Located.rejected("no job id: neither metadata job-id nor a known key layout");
        }
        String user = metaUser != null ? metaUser : fromKey.map(KeyJob::userId).orElse(null);
        return new Located(job, user, count, null);
    }

    /** Job and owner as the key alone tells them: {@code {userId}/{jobId}/...} or {@code video_{jobId}.{ext}}. */
    Optional<KeyJob> fromKey(String key) {
        String[] segments = key.substring(prefix.length()).split("/");
        if (segments.length >= 3 && USER_ID.matcher(segments[0]).matches() && JOB_ID.matcher(segments[1]).matches()) {
            return Optional.of(new KeyJob(segments[1], segments[0]));
        }
        if (segments.length == 1) {
            var legacy = LEGACY_NAME.matcher(segments[0]);
            if (legacy.matches()) {
                return Optional.of(new KeyJob(legacy.group(1), null));
            }
        }
        return Optional.empty();
    }

    record KeyJob(String jobId, String userId) {}
    /** The job an object belongs to, or why it belongs to none. */
    record Located(String jobId, String userId, int videoCount, String rejection) {
        static Located rejected(String reason) {
            return new Located(null, null, 0, reason);
        }

        boolean isRejected() {
            return rejection != null;
        }
    }
}
