package dev.videolinks;

import static dev.videolinks.Attributes.n;
import static dev.videolinks.Attributes.s;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * What came of a job's webhook, written by the holder of the {@link DeliveryLedger}'s lease and only while its
 * token is the current one and the delivery still pending: a sender whose lease was taken over never overwrites
 * a later DELIVERED or ABANDONED.
 */
final class DeliveryOutcomes {

    /** What became of an outcome: written, or refused because a newer webhook replaced it or the lease was lost. */
    enum Written { RECORDED, SUPERSEDED, LEASE_LOST }

    /** The outcome of an attempt series, to record. */
    record Outcome(String webhookId, DeliveryLedger.Lease lease, Delivery.State state, int attempts, Integer lastStatus,
            String lastError, Instant nextAttemptAt) {}

    private final DynamoDbClient dynamoDb;
    private final String table;

    DeliveryOutcomes(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = dynamoDb;
        this.table = table;
    }

    /**
     * Writes the outcome of an attempt series and releases the lease: due again at {@code nextAttemptAt}, or out
     * of the due index when delivered or abandoned. Only while the lease's token is the current one and the
     * delivery of this webhook is still pending: answers whether it wrote, and why not.
     */
    Written record(String jobId, Outcome outcome, Instant now) {
        var set = new ArrayList<>(List.of("delivery_state = :state", "updated_at = :now"));
        var remove = new ArrayList<>(List.of("lease_until"));
        var values = new HashMap<String, AttributeValue>();
        Instant next = outcome.nextAttemptAt();
        var kept = new LinkedHashMap<String, AttributeValue>();
        kept.put("last_status", outcome.lastStatus() == null ? null : n(outcome.lastStatus()));
        kept.put("last_error", outcome.lastError() == null ? null : DeliveryItem.bounded(outcome.lastError()));
        kept.put("next_attempt_at", next == null ? null : n(next.getEpochSecond()));
        kept.put(DeliveryItem.DUE, next == null ? null : s(DeliveryItem.DUE));
        kept.forEach((name, value) -> {
            if (value == null) {
                remove.add(name);
            } else {
                set.add(name + " = :" + name);
                values.put(":" + name, value);
            }
        });
        if (outcome.state() == Delivery.State.DELIVERED) {
            set.add("delivered_at = :now");
        }
        var update = DeliveryItem.update(jobId, "SET " + String.join(", ", set) + " REMOVE " + String.join(", ", remove)
                        + " ADD attempts :attempts", now)
                .value(":id", s(outcome.webhookId())).value(":token", n(outcome.lease().token()))
                .value(":state", s(outcome.state().name())).value(":attempts", n(outcome.attempts()))
                .when("webhook_id = :id AND lease_token = :token AND delivery_state = :pending");
        values.forEach(update::value);
        try {
            update.write(dynamoDb, table);
            return Written.RECORDED;
        } catch (ConditionalCheckFailedException refused) {
            return outcome.webhookId().equals(Attributes.text(refused.item(), "webhook_id"))
                    ? Written.LEASE_LOST : Written.SUPERSEDED;
        }
    }

    /** Gives up on a leased delivery. True only for the call that did it, so the error line and metric are emitted once. */
    boolean abandon(String jobId, String webhookId, DeliveryLedger.Lease lease, String reason, Instant now) {
        return DeliveryItem.update(jobId, "SET delivery_state = :abandoned, last_error = :reason, updated_at = :now"
                        + " REMOVE due, next_attempt_at, lease_until", now)
                .value(":id", s(webhookId)).value(":token", n(lease.token()))
                .value(":abandoned", s(Delivery.State.ABANDONED.name())).value(":reason", DeliveryItem.bounded(reason))
                .when("webhook_id = :id AND lease_token = :token AND delivery_state = :pending")
                .applied(dynamoDb, table);
    }
}
