package dev.videolinks.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * One conditional update of one item, built fresh for each attempt: its SET, REMOVE and ADD clauses and the
 * conditions it holds on (all of them). Clauses are written with slots: {@code #} takes the next attribute name
 * and {@code ?} the next value of the arguments, in order, so no attribute name or map key (an S3 key may hold any
 * character) is ever spliced into an expression:
 *
 * <pre>{@code
 * new ItemUpdate(table, key).set("#.# = ?", "videos", objectKey, entry).add("#", "revision", 1)
 *         .when("# = ?", "revision", n(3));
 * }</pre>
 */
final class ItemUpdate {

    private final String table;
    private final Map<String, AttributeValue> key;
    private final List<String> sets = new ArrayList<>();
    private final List<String> removes = new ArrayList<>();
    private final List<String> adds = new ArrayList<>();
    private final List<String> conditions = new ArrayList<>();
    private final Map<String, String> names = new LinkedHashMap<>();
    private final Map<String, AttributeValue> values = new LinkedHashMap<>();
    private final Map<String, String> placeholderOfName = new HashMap<>();

    ItemUpdate(String table, Map<String, AttributeValue> key) {
        this.table = table;
        this.key = key;
    }

    /** A SET clause, e.g. {@code set("# = ?", "owner", s("alice"))}. */
    ItemUpdate set(String clause, Object... arguments) {
        sets.add(fill(clause, arguments));
        return this;
    }

    /** Sets the attribute to the value, or removes it when the value is null. */
    ItemUpdate setOrRemove(String attribute, AttributeValue value) {
        return value == null ? remove("#", attribute) : set("# = ?", attribute, value);
    }

    ItemUpdate remove(String clause, Object... arguments) {
        removes.add(fill(clause, arguments));
        return this;
    }

    /** Adds {@code amount} to a number attribute (0 when absent). */
    ItemUpdate add(String attribute, long amount) {
        adds.add(fill("# ?", attribute, Attributes.n(amount)));
        return this;
    }

    /** A condition the update holds on, with all the others. */
    ItemUpdate when(String condition, Object... arguments) {
        conditions.add("(" + fill(condition, arguments) + ")");
        return this;
    }

    boolean isEmpty() {
        return sets.isEmpty() && removes.isEmpty() && adds.isEmpty();
    }

    UpdateItemRequest request(ReturnValue returnValue) {
        return UpdateItemRequest.builder().tableName(table).key(key)
                .updateExpression(expression())
                .conditionExpression(condition())
                .expressionAttributeNames(names.isEmpty() ? null : names)
                .expressionAttributeValues(values.isEmpty() ? null : values)
                .returnValues(returnValue)
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build();
    }

    TransactWriteItem transactItem() {
        return TransactWriteItem.builder().update(Update.builder().tableName(table).key(key)
                .updateExpression(expression())
                .conditionExpression(condition())
                .expressionAttributeNames(names.isEmpty() ? null : names)
                .expressionAttributeValues(values.isEmpty() ? null : values)
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build()).build();
    }

    /** The item's key and what the update says, for a request token that changes with what is written. */
    String describe() {
        return table + key + expression() + condition() + names + values;
    }

    private String expression() {
        var parts = new ArrayList<String>();
        if (!sets.isEmpty()) {
            parts.add("SET " + String.join(", ", sets));
        }
        if (!removes.isEmpty()) {
            parts.add("REMOVE " + String.join(", ", removes));
        }
        if (!adds.isEmpty()) {
            parts.add("ADD " + String.join(", ", adds));
        }
        return String.join(" ", parts);
    }

    private String condition() {
        return conditions.isEmpty() ? null : String.join(" AND ", conditions);
    }

    private String fill(String template, Object... arguments) {
        var out = new StringBuilder();
        int next = 0;
        for (char c : template.toCharArray()) {
            if (c == '#') {
                out.append(name((String) arguments[next++]));
            } else if (c == '?') {
                String placeholder = ":v" + values.size();
                values.put(placeholder, (AttributeValue) arguments[next++]);
                out.append(placeholder);
            } else {
                out.append(c);
            }
        }
        if (next != arguments.length) {
            throw new IllegalArgumentException(template + " has " + next + " slots for " + arguments.length + " arguments");
        }
        return out.toString();
    }

    private String name(String attribute) {
        return placeholderOfName.computeIfAbsent(attribute, a -> {
            String placeholder = "#n" + names.size();
            names.put(placeholder, a);
            return placeholder;
        });
    }
}
