package dev.perfgate.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1PersistentVolumeClaim;
import io.kubernetes.client.openapi.models.V1Service;
import org.junit.jupiter.api.Test;

/**
 * The manifests under deploy/k8s, checked in the build: every document against Kubernetes' own API schema (the
 * official client's models, generated from the Kubernetes OpenAPI document, reject unknown fields, missing required
 * ones and wrong types), then what the schema cannot know — that the Job is the injectors perfgate expects.
 */
class KubernetesManifestsTest {
    private static final Path K8S = Path.of("k8s");
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The model per kind this project deploys; another kind fails the build until it is added here. Reading a
     * document into its model through the client's own Gson validates it at every level (the generated adapters
     * reject unknown fields and missing required ones) and types every field (a list where a number belongs fails).
     */
    private static final Map<String, Class<?>> SCHEMAS = Map.of(
            "batch/v1 Job", V1Job.class,
            "v1 ConfigMap", V1ConfigMap.class,
            "v1 PersistentVolumeClaim", V1PersistentVolumeClaim.class,
            "apps/v1 Deployment", V1Deployment.class,
            "v1 Service", V1Service.class);

    private static List<JsonNode> documents() throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (Stream<Path> files = Files.list(K8S)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                try (var it = new YAMLMapper().readerFor(JsonNode.class).<JsonNode>readValues(f.toFile())) {
                    while (it.hasNext()) {
                        JsonNode doc = it.next();
                        if (doc != null && !doc.isEmpty()) {
                            ((ObjectNode) doc).put("x-file", f.getFileName().toString());
                            docs.add(doc);
                        }
                    }
                }
            }
        }
        return docs;
    }

    private static void validate(JsonNode doc) throws IOException {
        String kind = doc.path("apiVersion").asText() + " " + doc.path("kind").asText();
        Class<?> schema = SCHEMAS.get(kind);
        if (schema == null) {
            throw new IllegalArgumentException(doc.path("x-file").asText() + ": no schema for " + kind);
        }
        ObjectNode body = doc.deepCopy();
        body.remove("x-file");
        try {
            io.kubernetes.client.openapi.JSON.getGson().fromJson(JSON.writeValueAsString(body), schema);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(doc.path("x-file").asText() + ": " + kind + " "
                    + doc.path("metadata").path("name").asText() + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode find(List<JsonNode> docs, String kind, String name) {
        return docs.stream().filter(d -> d.path("kind").asText().equals(kind)
                && d.path("metadata").path("name").asText().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " under deploy/k8s"));
    }

    @Test
    void everyManifest_isValidAgainstKubernetesSchema() throws IOException {
        List<JsonNode> docs = documents();
        assertThat(docs).extracting(d -> d.path("kind").asText())
                .contains("Job", "ConfigMap", "PersistentVolumeClaim", "Deployment", "Service");
        for (JsonNode doc : docs) {
            validate(doc);
        }
    }

    @Test
    void theValidator_rejectsAMisspelledField_atAnyDepth_aMissingRequiredOne_andAWrongType() throws IOException {
        ObjectNode job = (ObjectNode) find(documents(), "Job", "perfgate-injectors").deepCopy();
        ObjectNode misspelled = job.deepCopy();
        ((ObjectNode) misspelled.get("spec")).put("completionsMode", "Indexed");
        assertThatThrownBy(() -> validate(misspelled)).hasMessageContaining("completionsMode");

        ObjectNode deep = job.deepCopy();
        ObjectNode container = (ObjectNode) deep.at("/spec/template/spec/containers/0");
        container.set("volumeMount", container.remove("volumeMounts"));
        assertThatThrownBy(() -> validate(deep)).hasMessageContaining("volumeMount");

        ObjectNode noImage = job.deepCopy();
        ((ObjectNode) noImage.at("/spec/template/spec/containers/0")).remove("name");
        assertThatThrownBy(() -> validate(noImage)).hasMessageContaining("name");

        ObjectNode wrongType = job.deepCopy();
        ((ObjectNode) wrongType.get("spec")).putArray("parallelism").add(2);
        assertThatThrownBy(() -> validate(wrongType)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theInjectorsJob_isIndexed_oneInjectorPerPod_allAtOnce_neverRetried() throws IOException {
        List<JsonNode> docs = documents();
        JsonNode job = find(docs, "Job", "perfgate-injectors");
        JsonNode spec = job.get("spec");
        JsonNode container = spec.at("/template/spec/containers/0");
        Map<String, String> env = new java.util.HashMap<>();
        container.path("env").forEach(e -> env.put(e.get("name").asText(), e.path("value").asText(
                e.at("/valueFrom/fieldRef/fieldPath").asText())));

        assertThat(spec.get("completionMode").asText()).isEqualTo("Indexed");
        int injectors = Integer.parseInt(env.get("INJECTORS"));
        assertThat(injectors).isGreaterThan(1);
        assertThat(spec.get("completions").asInt()).as("completions = INJECTORS").isEqualTo(injectors);
        assertThat(spec.get("parallelism").asInt()).as("parallelism = INJECTORS: loads start together")
                .isEqualTo(injectors);
        assertThat(spec.get("backoffLimit").asInt()).as("a retried injector would load twice").isZero();
        assertThat(spec.at("/template/spec/restartPolicy").asText()).isEqualTo("Never");
        assertThat(env.get("INJECTOR")).isEqualTo("metadata.annotations['batch.kubernetes.io/job-completion-index']");

        List<String> args = new ArrayList<>();
        container.get("args").forEach(a -> args.add(a.asText()));
        assertThat(args).contains("-Dperfgate.injectors=$(INJECTORS)", "-Dperfgate.injector=$(INJECTOR)",
                "-Dperfgate.injectorsStart=external", "io.gatling.app.Gatling");
        String shares = container.at("/volumeMounts/0/mountPath").asText();
        assertThat(args).anyMatch(a -> a.startsWith("-Dperfgate.injectorsDir=" + shares + "/"));
        assertThat(spec.at("/template/spec/volumes/0/persistentVolumeClaim/claimName").asText())
                .isEqualTo(find(docs, "PersistentVolumeClaim", "perfgate-shares").at("/metadata/name").asText());
        assertThat(find(docs, "PersistentVolumeClaim", "perfgate-shares").at("/spec/accessModes/0").asText())
                .as("every injector pod reads the shares, wherever it runs").isEqualTo("ReadWriteMany");

        // every $(VAR) the arguments use is defined: in the container's env or in the run's ConfigMap
        Set<String> defined = new HashSet<>(env.keySet());
        container.path("envFrom").forEach(ref -> find(docs, "ConfigMap", ref.at("/configMapRef/name").asText())
                .get("data").fieldNames().forEachRemaining(defined::add));
        Matcher m = Pattern.compile("\\$\\(([A-Z_]+)\\)").matcher(String.join(" ", args));
        while (m.find()) {
            assertThat(defined).as("$(" + m.group(1) + ") in the Job's arguments").contains(m.group(1));
        }
    }

    @Test
    void theRun_namesASimulationOfTheProject_andTheServiceTheInjectorsLoad() throws IOException {
        List<JsonNode> docs = documents();
        JsonNode run = find(docs, "ConfigMap", "perfgate-run").get("data");
        String simulation = run.get("SIMULATION").asText();
        assertThat(Path.of("../load-scenarios/src/test/java", simulation.replace('.', '/') + ".java")).exists();
        assertThat(run.get("PROFILE").asText()).isIn("smoke", "ci", "full");
        assertThat(run.get("BASELINE").asText()).isIn("compare", "update", "off");
        JsonNode service = find(docs, "Service", "reference-service");
        assertThat(run.get("TARGET").asText()).isEqualTo("http://" + service.at("/metadata/name").asText() + ":"
                + service.at("/spec/ports/0/port").asText());
        assertThat(find(docs, "Deployment", "reference-service").at("/spec/replicas").asInt())
                .as("the reference service as several nodes").isGreaterThan(1);
    }
}
