package dev.videolinks;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * One conditional update of a job's item, phrased in one place: its update expression, the conditions it holds
 * on (all of them), and the names and values they use. Only the names and values an expression uses are sent,
 * since DynamoDB refuses the others.
 */
final class JobUpdate {

    private final String jobId;
    private final String expression;
    private final List<String> conditions = new ArrayList<>();
    private final Map<String, String> names = new HashMap<>();
    private final Map<String, AttributeValue> values = new HashMap<>();

    JobUpdate(String jobId, String expression) {
        this.jobId = jobId;
        this.expression = expression;
    }

    JobUpdate name(String placeholder, String attribute) {
        names.put(placeholder, attribute);
        return this;
    }

    /** Adds a value; a null one is left out, for an expression that does not name it. */
    JobUpdate value(String placeholder, AttributeValue value) {
        if (value != null) {
            values.put(placeholder, value);
        }
        return this;
    }

    JobUpdate when(String condition) {
        conditions.add(condition);
        return this;
    }

    /** The update holds only while the entry of the key {@code #key} is still that version. */
    JobUpdate whenEntryIs(String etag, String versionId) {
        name("#etag", "etag").name("#vid", "vid").value(":etag", AttributeValue.fromS(etag));
        if (versionId == null) {
            return when("videos.#key.#etag = :etag AND attribute_not_exists(videos.#key.#vid)");
        }
        return value(":vid", AttributeValue.fromS(versionId)).when("videos.#key.#etag = :etag AND videos.#key.#vid = :vid");
    }

    /**
     * Applies the update and answers the job after it. When a condition does not hold, the
     * {@link ConditionalCheckFailedException} carries the item as it was, to decide again on.
     */
    Job apply(DynamoDbClient dynamoDb, String table) {
        return JobItem.toJob(dynamoDb.updateItem(request(table, ReturnValue.ALL_NEW)).attributes());
    }

    /** Applies the update without reading the job back: a refusal carries the item as it was, as with {@link #apply}. */
    void write(DynamoDbClient dynamoDb, String table) {
        dynamoDb.updateItem(request(table, ReturnValue.NONE));
    }

    /** Applies the update; false when a condition did not hold. */
    boolean applied(DynamoDbClient dynamoDb, String table) {
        try {
            write(dynamoDb, table);
            return true;
        } catch (ConditionalCheckFailedException refused) {
            return false;
        }
    }

    private UpdateItemRequest request(String table, ReturnValue returnValue) {
        String condition = conditions.isEmpty() ? null : String.join(" AND ", conditions);
        Map<String, String> usedNames = used(names, expression, condition);
        Map<String, AttributeValue> usedValues = used(values, expression, condition);
        return UpdateItemRequest.builder().tableName(table).key(VideoTable.key(jobId))
                .updateExpression(expression)
                .conditionExpression(condition)
                .expressionAttributeNames(usedNames.isEmpty() ? null : usedNames)
                .expressionAttributeValues(usedValues.isEmpty() ? null : usedValues)
                .returnValues(returnValue)
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build();
    }

    private static <T> Map<String, T> used(Map<String, T> placeholders, String... expressions) {
        var used = new HashMap<String, T>();
        placeholders.forEach((placeholder, value) -> {
            var pattern = Pattern.compile(Pattern.quote(placeholder) + "(?![A-Za-z0-9_])");
            for (String expression : expressions) {
                if (expression != null && pattern.matcher(expression).find()) {
                    used.put(placeholder, value);
                }
            }
        });
        return used;
    }
}
