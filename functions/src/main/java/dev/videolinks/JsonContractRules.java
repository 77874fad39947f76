package dev.videolinks;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.jr.ob.JacksonJrExtension;
import com.fasterxml.jackson.jr.ob.api.ExtensionContext;
import com.fasterxml.jackson.jr.ob.api.ReaderWriterModifier;
import com.fasterxml.jackson.jr.ob.api.ReaderWriterProvider;
import com.fasterxml.jackson.jr.ob.api.ValueWriter;
import com.fasterxml.jackson.jr.ob.impl.BeanPropertyIntrospector;
import com.fasterxml.jackson.jr.ob.impl.JSONWriter;
import com.fasterxml.jackson.jr.ob.impl.POJODefinition;
import java.io.IOException;
import java.time.Instant;
import java.util.function.Function;

/**
 * The contract's rules that jackson-jr does not have as features (SPEC §3, §4), registered once by {@link Json}:
 * snake_case property names, instants and enums as text.
 */
final class JsonContractRules extends JacksonJrExtension {
    @Override
    protected void register(ExtensionContext context) {
        context.insertModifier(new ReaderWriterModifier() {
            @Override
            public POJODefinition pojoDefinitionForSerialization(JSONWriter writer, Class<?> type) {
                POJODefinition definition = BeanPropertyIntrospector.instance().pojoDefinitionForSerialization(writer, type);
                return definition.withProperties(definition.getProperties().stream()
                        .map(p -> new POJODefinition.Prop(snakeCase(p.name), p.name, p.field, p.setter, p.getter,
                                p.isGetter, p.aliases()))
                        .toList());
            }

            @Override
            public ValueWriter overrideStandardValueWriter(JSONWriter writer, Class<?> type, int typeId) {
                return Enum.class.isAssignableFrom(type) ? new AsText(type, value -> ((Enum<?>) value).name()) : null;
            }
        });
        context.insertProvider(new ReaderWriterProvider() {
            @Override
            public ValueWriter findValueWriter(JSONWriter writer, Class<?> type) {
                return type == Instant.class ? new AsText(type, Object::toString) : null;
            }
        });
    }

    private record AsText(Class<?> valueType, Function<Object, String> text) implements ValueWriter {
        @Override
        public void writeValue(JSONWriter context, JsonGenerator out, Object value) throws IOException {
            out.writeString(text.apply(value));
        }
    }

    /** Jackson's {@code PropertyNamingStrategies.SNAKE_CASE}, exactly: fileUrlExpiresAt to file_url_expires_at. */
    static String snakeCase(String name) {
        var result = new StringBuilder(name.length() * 2);
        boolean wasPrevTranslated = false;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (i > 0 || c != '_') {
                if (Character.isUpperCase(c)) {
                    if (!wasPrevTranslated && !result.isEmpty() && result.charAt(result.length() - 1) != '_') {
                        result.append('_');
                    }
                    c = Character.toLowerCase(c);
                    wasPrevTranslated = true;
                } else {
                    wasPrevTranslated = false;
                }
                result.append(c);
            }
        }
        return result.toString();
    }
}
