package dev.videolinks.store;

import static dev.videolinks.store.Attributes.n;
import static dev.videolinks.store.Attributes.s;

import dev.videolinks.Delivery;
import dev.videolinks.Job;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A job's delivery as its item keeps it, beside the videos: the {@link Delivery} read back, and the clauses every
 * write of it shares. A delivery is due (in the sparse {@value #DUE_INDEX} index) while it waits to be sent.
 */
final class DeliveryItem {

    /** The sparse index of deliveries that need a (re)send: only items with {@value #DUE} are in it. */
    static final String DUE_INDEX = "DueDeliveries";
    static final String DUE = "due";
    static final String WEBHOOK_ID = "webhook_id";
    static final String STATE = "delivery_state";
    static final String ATTEMPTS = "attempts";
    static final String LAST_STATUS = "last_status";
    static final String LAST_ERROR = "last_error";
    static final String FIRST_ATTEMPT_AT = "first_attempt_at";
    static final String NEXT_ATTEMPT_AT = "next_attempt_at";
    static final String LEASE_UNTIL = "lease_until";
    static final String LEASE_TOKEN = "lease_token";
    static final String LEASE_HOLDER = "lease_holder";
    static final String UPDATED_AT = "updated_at";
    static final String DELIVERED_AT = "delivered_at";
    /** Receivers' answers and errors are kept this long at most. */
    private static final int MAX_ERROR_LENGTH = 300;

    private DeliveryItem() {}

    static Optional<Delivery> delivery(Map<String, AttributeValue> item) {
        if (!item.containsKey(WEBHOOK_ID)) {
            return Optional.empty();
        }
        return Optional.of(new Delivery(
                item.get(JobItem.PARTITION_KEY).s(),
                item.get(WEBHOOK_ID).s(),
                Delivery.State.valueOf(item.get(STATE).s()),
                (int) Attributes.number(item, ATTEMPTS, 0),
                item.containsKey(LAST_STATUS) ? Integer.valueOf(item.get(LAST_STATUS).n()) : null,
                Attributes.text(item, LAST_ERROR),
                Attributes.epoch(item, FIRST_ATTEMPT_AT),
                Attributes.epoch(item, NEXT_ATTEMPT_AT),
                Attributes.epoch(item, LEASE_UNTIL),
                Attributes.number(item, LEASE_TOKEN, 0),
                Attributes.text(item, LEASE_HOLDER),
                Instant.parse(item.get(UPDATED_AT).s())));
    }

    /** The job's lease token as read: what a write that must not race a lease holds on. */
    static long leaseToken(Job job) {
        return job.delivery().map(Delivery::leaseToken).orElse(0L);
    }

    /** The condition that no lease was taken since the job was read. */
    static ItemUpdate whenLeaseTokenIs(ItemUpdate update, long token) {
        return token == 0 ? update.when("attribute_not_exists(#)", LEASE_TOKEN) : update.when("# = ?", LEASE_TOKEN, n(token));
    }

    /**
     * Takes the lease in the same update: until {@code sender}'s lease end, with the next token, as its holder. The
     * delivery is due again when the lease ends, so a send that dies half-way is sent again.
     */
    static Lease takeLease(ItemUpdate update, long tokenRead, Sender sender) {
        long until = sender.leaseUntil().getEpochSecond();
        update.set("# = ?", LEASE_UNTIL, n(until)).set("# = ?", NEXT_ATTEMPT_AT, n(until))
                .set("# = ?", LEASE_HOLDER, s(sender.holder())).set("# = ?", LEASE_TOKEN, n(tokenRead + 1));
        return new Lease(tokenRead + 1, Instant.ofEpochSecond(until));
    }

    /** A receiver's answer or an error as kept: cut to {@value #MAX_ERROR_LENGTH} characters. */
    static AttributeValue bounded(String text) {
        return s(text.length() <= MAX_ERROR_LENGTH ? text : text.substring(0, MAX_ERROR_LENGTH - 1) + "…");
    }
}
