package dev.videolinks.testing;

import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;

/** A CreateTable request from an {@code AWS::DynamoDB::Table}'s properties in template.yaml: keys and indexes. */
public final class TableDefinition {

    private TableDefinition() {}

    @SuppressWarnings("unchecked")
    public static CreateTableRequest from(Map<String, Object> properties, String name) {
        var attributes = ((List<Map<String, String>>) properties.get("AttributeDefinitions")).stream()
                .map(a -> AttributeDefinition.builder().attributeName(a.get("AttributeName")).attributeType(a.get("AttributeType")).build())
                .toList();
        var indexes = ((List<Map<String, Object>>) properties.getOrDefault("GlobalSecondaryIndexes", List.of())).stream()
                .map(index -> GlobalSecondaryIndex.builder()
                        .indexName((String) index.get("IndexName"))
                        .keySchema(keys((List<Map<String, String>>) index.get("KeySchema")))
                        .projection(p -> p.projectionType((String) ((Map<String, Object>) index.get("Projection")).get("ProjectionType")))
                        .build())
                .toList();
        var request = CreateTableRequest.builder().tableName(name).attributeDefinitions(attributes)
                .keySchema(keys((List<Map<String, String>>) properties.get("KeySchema")))
                .billingMode(BillingMode.PAY_PER_REQUEST);
        if (!indexes.isEmpty()) {
            request.globalSecondaryIndexes(indexes);
        }
        return request.build();
    }

    private static List<KeySchemaElement> keys(List<Map<String, String>> schema) {
        return schema.stream()
                .map(k -> KeySchemaElement.builder().attributeName(k.get("AttributeName")).keyType(k.get("KeyType")).build())
                .toList();
    }
}
