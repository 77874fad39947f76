package dev.videolinks.store;

import static dev.videolinks.store.Attributes.n;
import static dev.videolinks.store.Attributes.s;

import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The story of one S3 key, in a small item of its own ({@code key#<key>}; job ids cannot hold '#'): the job that
 * lists the key now (none after a deletion, or when its object is refused or not a video), the version of its
 * current object, whether the key has no object (a tombstone, so that an older event that comes late stays out
 * even when only the object's metadata named its job), and the sequencer of the last event that told the table
 * what the key holds. {@code rev} grows with every write, which holds on it.
 */
final class KeyItem {

    static final String PREFIX = "key#";
    private static final String HOLDER = "job";
    private static final String ETAG = "etag";
    private static final String VERSION_ID = "vid";
    private static final String SEQUENCER = "seq";
    private static final String GONE = "gone";
    private static final String REV = "rev";

    /** The key as the item says: {@code holder} null when no job lists it; {@code rev} 0 when there is no item. */
    record State(String holder, String etag, String versionId, String sequencer, boolean gone, long rev) {

        static final State NONE = new State(null, null, null, null, false, 0);

        boolean exists() {
            return rev > 0;
        }

        /** Whether the item already says this (a repeat of an event, or of a write whose answer was lost). */
        boolean says(String holder, String etag, String versionId, boolean gone) {
            return exists() && Objects.equals(this.holder, holder) && Objects.equals(this.etag, etag)
                    && Objects.equals(this.versionId, versionId) && this.gone == gone;
        }
    }

    private KeyItem() {}

    static Map<String, AttributeValue> key(String objectKey) {
        return JobItem.key(PREFIX + objectKey);
    }

    static State read(Map<String, AttributeValue> item) {
        if (item == null || item.isEmpty()) {
            return State.NONE;
        }
        var gone = item.get(GONE);
        return new State(Attributes.text(item, HOLDER), Attributes.text(item, ETAG), Attributes.text(item, VERSION_ID),
                Attributes.text(item, SEQUENCER), gone != null && gone.bool(), Attributes.number(item, REV, 1));
    }

    /**
     * The update that makes the item say what the key holds now, after an event with {@code sequencer} (null: an
     * event that cannot be ordered, which leaves the order as it was), on condition that nobody wrote it since
     * {@code before} was read.
     */
    static ItemUpdate write(String table, String objectKey, State before, State after) {
        var update = new ItemUpdate(table, key(objectKey))
                .setOrRemove(HOLDER, after.holder() == null ? null : s(after.holder()))
                .setOrRemove(ETAG, after.etag() == null ? null : s(after.etag()))
                .setOrRemove(VERSION_ID, after.versionId() == null ? null : s(after.versionId()))
                .set("# = ?", GONE, Attributes.bool(after.gone()))
                .set("# = ?", REV, n(before.rev() + 1));
        if (after.sequencer() != null) {
            update.set("# = ?", SEQUENCER, s(after.sequencer()));
        }
        return before.exists() ? update.when("# = ?", REV, n(before.rev()))
                : update.when("attribute_not_exists(#)", JobItem.PARTITION_KEY);
    }
}
