package dev.videolinks;

import static dev.videolinks.Attributes.n;
import static dev.videolinks.Attributes.s;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A job's delivery as its item keeps it, beside the videos: the attributes a first write starts it with, the
 * {@link Delivery} read back, and the values the {@link DeliveryLedger}'s updates share.
 */
final class DeliveryItem {

    /** The sparse index of deliveries that need a (re)send: only items with {@value #DUE} are in it. */
    static final String DUE_INDEX = "DueDeliveries";
    static final String DUE = "due";
    /** Receivers' answers and errors are kept this long at most. */
    private static final int MAX_ERROR_LENGTH = 300;

    private DeliveryItem() {}

    /** Adds to a new job's item a pending delivery whose lease (token 1) the write that creates the job takes. */
    static DeliveryLedger.Lease startWith(Map<String, AttributeValue> item, VideoTable.FirstDelivery first) {
        long leaseEnd = first.leaseUntil().getEpochSecond();
        item.put("webhook_id", s(first.webhookId()));
        item.put("delivery_state", s(Delivery.State.PENDING.name()));
        item.put("attempts", n(0));
        item.put("updated_at", s(first.now().toString()));
        item.put("first_attempt_at", n(first.now().getEpochSecond()));
        item.put("lease_until", n(leaseEnd));
        item.put("lease_token", n(1));
        item.put(DUE, s(DUE));
        item.put("next_attempt_at", n(leaseEnd));
        return new DeliveryLedger.Lease(1, Instant.ofEpochSecond(leaseEnd));
    }

    static Optional<Delivery> delivery(Map<String, AttributeValue> item) {
        if (!item.containsKey("webhook_id")) {
            return Optional.empty();
        }
        return Optional.of(new Delivery(
                item.get(VideoTable.PARTITION_KEY).s(),
                item.get("webhook_id").s(),
                Delivery.State.valueOf(item.get("delivery_state").s()),
                (int) Attributes.number(item, "attempts", 0),
                item.containsKey("last_status") ? Integer.valueOf(item.get("last_status").n()) : null,
                Attributes.text(item, "last_error"),
                Attributes.epoch(item, "first_attempt_at"),
                Attributes.epoch(item, "next_attempt_at"),
                Attributes.epoch(item, "lease_until"),
                Attributes.number(item, "lease_token", 0),
                Instant.parse(item.get("updated_at").s())));
    }

    /** An update of the job's delivery at {@code now}, with the values most of them use. */
    static JobUpdate update(String jobId, String expression, Instant now) {
        return new JobUpdate(jobId, expression)
                .value(":pending", s(Delivery.State.PENDING.name()))
                .value(":now", s(now.toString()))
                .value(":now_epoch", n(now.getEpochSecond()))
                .value(":due", s(DUE));
    }

    /** A receiver's answer or an error as kept: cut to {@value #MAX_ERROR_LENGTH} characters. */
    static AttributeValue bounded(String text) {
        return s(text.length() <= MAX_ERROR_LENGTH ? text : text.substring(0, MAX_ERROR_LENGTH - 1) + "…");
    }
}
