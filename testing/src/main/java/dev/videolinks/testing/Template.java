package dev.videolinks.testing;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * template.yaml as plain maps, with CloudFormation's short forms ({@code !Ref}, {@code !Sub}, {@code !GetAtt},
 * ...) turned into their long forms ({@code {Ref: x}}, {@code {Fn::Sub: ...}}).
 */
public record Template(Map<String, Object> root) {

    public static final Path FILE = Path.of("template.yaml");

    public static Template load() {
        try (Reader reader = Files.newBufferedReader(FILE)) {
            Map<String, Object> root = new Yaml(new CloudFormationConstructor()).load(reader);
            return new Template(root);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + FILE.toAbsolutePath(), e);
        }
    }

    @SuppressWarnings("unchecked")
    public Map<String, Map<String, Object>> resources() {
        return (Map<String, Map<String, Object>>) root.get("Resources");
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> resourceProperties(String logicalId) {
        return (Map<String, Object>) resources().get(logicalId).get("Properties");
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> section(String... path) {
        Object node = root;
        for (String name : path) {
            node = node instanceof Map<?, ?> map ? map.get(name) : null;
        }
        return node == null ? Map.of() : (Map<String, Object>) node;
    }

    private static final class CloudFormationConstructor extends SafeConstructor {
        CloudFormationConstructor() {
            super(new LoaderOptions());
            // Every unknown tag is an intrinsic function in its short form.
            this.yamlConstructors.put(null, new AbstractConstruct() {
                @Override
                public Object construct(Node node) {
                    String tag = node.getTag().getValue().substring(1);
                    String name = switch (tag) {
                        case "Ref", "Condition" -> tag;
                        default -> "Fn::" + tag;
                    };
                    Object value = switch (node) {
                        case ScalarNode scalar when tag.equals("GetAtt") ->
                                Arrays.asList(constructScalar(scalar).split("\\.", 2));
                        case ScalarNode scalar -> constructScalar(scalar);
                        case SequenceNode sequence -> constructSequence(sequence);
                        case MappingNode mapping -> constructMapping(mapping);
                        default -> throw new IllegalArgumentException("unexpected node " + node);
                    };
                    var intrinsic = new LinkedHashMap<String, Object>();
                    intrinsic.put(name, value);
                    return intrinsic;
                }
            });
        }
    }
}
