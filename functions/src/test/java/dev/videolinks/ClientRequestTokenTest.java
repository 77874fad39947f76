package dev.videolinks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.videolinks.testing.LocalAws;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.IdempotentParameterMismatchException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * What DynamoDB Local does with a transaction's ClientRequestToken, which the store relies on when the SDK sends
 * again a transaction whose answer was lost: the same as DynamoDB's documentation says (TransactWriteItems,
 * ClientRequestToken). If DynamoDB Local stopped doing so, these fail, rather than the simulation passing on a
 * behaviour AWS has and the local server lacks.
 */
class ClientRequestTokenTest {

    @RegisterExtension
    static final LocalAws aws = new LocalAws();

    static final Map<String, AttributeValue> X = Map.of("job_id", AttributeValue.fromS("x"));
    static final Map<String, AttributeValue> Y = Map.of("job_id", AttributeValue.fromS("y"));

    static TransactWriteItem add(String table, Map<String, AttributeValue> key, int amount, String condition) {
        return TransactWriteItem.builder().update(Update.builder().tableName(table).key(key)
                .updateExpression("ADD n :n").conditionExpression(condition)
                .expressionAttributeValues(Map.of(":n", AttributeValue.fromN(Integer.toString(amount)))).build()).build();
    }

    static String n(DynamoDbClient dynamoDb, String table, Map<String, AttributeValue> key) {
        var item = dynamoDb.getItem(g -> g.tableName(table).key(key).consistentRead(true)).item();
        return item.containsKey("n") ? item.get("n").n() : null;
    }

    @Test
    void sameTransactionSentAgainWithItsToken_succeedsWithoutApplyingTwice() {
        var dynamoDb = aws.dynamoDb().client();
        String table = aws.freshTable();
        var write = new TransactWriteItem[] {add(table, X, 1, null), add(table, Y, 1, null)};

        dynamoDb.transactWriteItems(t -> t.transactItems(write).clientRequestToken("token-1"));
        dynamoDb.transactWriteItems(t -> t.transactItems(write).clientRequestToken("token-1"));

        assertEquals("1", n(dynamoDb, table, X));
        assertEquals("1", n(dynamoDb, table, Y));
    }

    @Test
    void sameTokenWithAnotherWrite_refusedAsAMismatch() {
        var dynamoDb = aws.dynamoDb().client();
        String table = aws.freshTable();
        dynamoDb.transactWriteItems(t -> t.transactItems(add(table, X, 1, null), add(table, Y, 1, null))
                .clientRequestToken("token-2"));

        assertThrows(IdempotentParameterMismatchException.class, () -> dynamoDb.transactWriteItems(t -> t
                .transactItems(add(table, X, 2, null), add(table, Y, 2, null)).clientRequestToken("token-2")));
        assertEquals("1", n(dynamoDb, table, X));
    }

    /** A cancelled transaction is not kept: sent again with its token once its condition holds, it runs. */
    @Test
    void cancelledTransactionSentAgainWithItsToken_runsOnceItsConditionHolds() {
        var dynamoDb = aws.dynamoDb().client();
        String table = aws.freshTable();
        var write = new TransactWriteItem[] {add(table, X, 1, "attribute_exists(ready)"), add(table, Y, 1, null)};

        assertThrows(TransactionCanceledException.class,
                () -> dynamoDb.transactWriteItems(t -> t.transactItems(write).clientRequestToken("token-3")));
        dynamoDb.putItem(p -> p.tableName(table).item(Map.of("job_id", AttributeValue.fromS("x"),
                "ready", AttributeValue.fromBool(true))));
        dynamoDb.transactWriteItems(t -> t.transactItems(write).clientRequestToken("token-3"));

        assertEquals("1", n(dynamoDb, table, X));
        assertEquals("1", n(dynamoDb, table, Y));
    }
}
