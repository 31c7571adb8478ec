package io.zunvx.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.zunvx.platform.config.ZunvxConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart, linted strictly and rendered offline by the Helm library: the objects it makes, the probes and mounts
 * they need, and the environment each role process gets, which the real configuration parser must accept (an unknown
 * {@code ZUNVX_*} variable would stop the process at start).
 */
class ChartTest {
    private static final Path CHART = Path.of("zunvx");
    private static final String KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static TemplateCommand rendered() {
        return new Helm(CHART).template().withName("zv").withNamespace("cloud")
                .set("database.url", "postgresql://zunvx:secret@db:5432/zunvx")
                .set("kafka.bootstrapServers", "kafka:9092")
                .set("registryKey", KEY).set("signingKeySecret", KEY);
    }

    private static List<JsonNode> objects(String manifest) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        try (YAMLParser parser = new YAMLFactory().createParser(manifest)) {
            for (var it = YAML.readValues(parser, JsonNode.class); it.hasNext(); ) {
                JsonNode n = it.next();
                if (n != null && !(n instanceof NullNode) && n.has("kind")) {
                    out.add(n);
                }
            }
        }
        return out;
    }

    private static JsonNode find(List<JsonNode> objects, String kind, String name) {
        return objects.stream().filter(o -> o.path("kind").asText().equals(kind)
                        && o.path("metadata").path("name").asText().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name));
    }

    @Test
    void lintsStrictlyWithTheRequiredValues(@TempDir Path dir) throws IOException {
        // helm lint has no --set here: lint a copy whose values hold what an operator must give.
        Path copy = dir.resolve("zunvx");
        try (Stream<Path> files = Files.walk(CHART)) {
            for (Path p : files.toList()) {
                Path target = copy.resolve(CHART.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        Path values = copy.resolve("values.yaml");
        Files.writeString(values, Files.readString(values)
                .replace("  url: \"\"", "  url: \"postgresql://zunvx:secret@db:5432/zunvx\"")
                .replace("  bootstrapServers: \"\"", "  bootstrapServers: \"kafka:9092\"")
                .replace("registryKey: \"\"", "registryKey: \"" + KEY + "\"")
                .replace("signingKeySecret: \"\"", "signingKeySecret: \"" + KEY + "\""));
        LintResult result = new Helm(copy).lint().strict().call();
        assertFalse(result.isFailed(), String.join("\n", result.getMessages()));
    }

    @Test
    void rendersEveryRole() throws IOException {
        List<JsonNode> objects = objects(rendered().call());
        for (String role : List.of("api", "scheduler", "wsproxy")) {
            JsonNode d = find(objects, "Deployment", "zv-zunvx-" + role);
            assertEquals(2, d.path("spec").path("replicas").asInt());
            JsonNode c = d.path("spec").path("template").path("spec").path("containers").get(0);
            assertEquals(role, c.path("args").get(0).asText());
            assertEquals("zunvx:0.1.0", c.path("image").asText());
            assertEquals("/readyz", c.path("readinessProbe").path("httpGet").path("path").asText());
            assertEquals("/healthz", c.path("livenessProbe").path("httpGet").path("path").asText());
            assertTrue(c.path("securityContext").path("runAsNonRoot").asBoolean());
            find(objects, "PodDisruptionBudget", "zv-zunvx-" + role);
        }
        assertEquals(9517, find(objects, "Service", "zv-zunvx-api").path("spec").path("ports").get(0)
                .path("port").asInt());
        assertEquals(6784, find(objects, "Service", "zv-zunvx-wsproxy").path("spec").path("ports").get(0)
                .path("port").asInt());

        JsonNode compute = find(objects, "DaemonSet", "zv-zunvx-compute");
        JsonNode pod = compute.path("spec").path("template").path("spec");
        assertEquals("Socket", pod.path("volumes").get(0).path("hostPath").path("type").asText());
        assertEquals("compute", pod.path("containers").get(0).path("args").get(0).asText());
        // networks (iptables, nsenter) and sized volumes (loop mounts the node's engine sees) need these
        assertTrue(pod.path("hostNetwork").asBoolean() && pod.path("hostPID").asBoolean(), pod.toString());
        JsonNode agent = pod.path("containers").get(0);
        assertTrue(agent.path("securityContext").path("privileged").asBoolean(), agent.toString());
        assertEquals("Bidirectional", agent.path("volumeMounts").get(1).path("mountPropagation").asText());

        JsonNode job = find(objects, "Job", "zv-zunvx-migrate-1");
        assertEquals("migrate", job.path("spec").path("template").path("spec").path("containers").get(0)
                .path("args").get(0).asText());
    }

    @Test
    void everyRoleGetsAConfigurationTheProcessAccepts() throws IOException {
        List<JsonNode> objects = objects(rendered().set("admin.password", "s3cret").set("policy", "{}").call());
        Map<String, String> common = new HashMap<>();
        find(objects, "ConfigMap", "zv-zunvx-config").path("data").fields()
                .forEachRemaining(e -> common.put(e.getKey(), e.getValue().asText()));
        find(objects, "Secret", "zv-zunvx-secrets").path("stringData").fields()
                .forEachRemaining(e -> common.put(e.getKey(), e.getValue().asText()));
        assertEquals("http://zv-zunvx-api:9517", common.get("ZUNVX_API_PUBLIC_URL"));
        assertEquals("ws://zv-zunvx-wsproxy:6784/", common.get("ZUNVX_WSPROXY_BASE_URL"));
        assertEquals("/etc/zunvx/policy.yaml", common.get("ZUNVX_POLICY_FILE"));
        assertFalse(common.containsKey("ZUNVX_ADMIN_PASSWORD"), "only the migration Job may see the admin password");

        ZunvxConfig api = ZunvxConfig.from(common);
        assertEquals("kafka:9092", api.kafka().bootstrapServers());
        assertEquals("postgres", api.images().storeBackend());

        JsonNode compute = find(objects, "DaemonSet", "zv-zunvx-compute").path("spec").path("template")
                .path("spec").path("containers").get(0);
        Map<String, String> computeEnv = new LinkedHashMap<>(common);
        for (JsonNode e : compute.path("env")) {
            if (e.path("name").asText().startsWith("ZUNVX_")) {
                computeEnv.put(e.path("name").asText(), e.path("value").asText()
                        .replace("$(NODE_NAME)", "node-1").replace("$(POD_IP)", "10.0.0.7"));
            }
        }
        ZunvxConfig agent = ZunvxConfig.from(computeEnv);
        assertEquals("node-1", agent.compute().hostName());
        assertEquals("http://10.0.0.7:9518", agent.compute().internalUrl());

        JsonNode jobPod = find(objects, "Job", "zv-zunvx-migrate-1").path("spec").path("template").path("spec");
        JsonNode refs = jobPod.path("containers").get(0).path("envFrom");
        assertEquals("zv-zunvx-admin", refs.get(2).path("secretRef").path("name").asText());
        assertEquals("s3cret", find(objects, "Secret", "zv-zunvx-admin").path("stringData")
                .path("ZUNVX_ADMIN_PASSWORD").asText());

        JsonNode apiPod = find(objects, "Deployment", "zv-zunvx-api").path("spec").path("template").path("spec");
        assertNotNull(find(objects, "ConfigMap", "zv-zunvx-policy").path("data").get("policy.yaml"));
        assertTrue(apiPod.path("volumes").toString().contains("zv-zunvx-policy"));
    }

    @Test
    void onlyTheSigningRolesGetTheSigningKeySecret() throws IOException {
        List<JsonNode> objects = objects(rendered().call());
        assertEquals(KEY, find(objects, "Secret", "zv-zunvx-signing").path("stringData")
                .path("ZUNVX_SIGNING_KEY_SECRET").asText());
        for (String role : List.of("api", "wsproxy", "scheduler")) {
            String env = find(objects, "Deployment", "zv-zunvx-" + role).path("spec").path("template").path("spec")
                    .path("containers").get(0).path("envFrom").toString();
            assertEquals(!role.equals("scheduler"), env.contains("zv-zunvx-signing"), role + ": " + env);
        }
        String compute = find(objects, "DaemonSet", "zv-zunvx-compute").toString();
        assertFalse(compute.contains("zv-zunvx-signing"), compute);
        assertFalse(find(objects, "Secret", "zv-zunvx-secrets").toString().contains("SIGNING"));
    }

    @Test
    void refusesToRenderWithoutTheDatabase() {
        Exception e = assertThrows(Exception.class, () -> new Helm(CHART).template().withName("zv")
                .set("kafka.bootstrapServers", "kafka:9092").set("registryKey", KEY).set("signingKeySecret", KEY)
                .call());
        assertTrue(e.getMessage().contains("database.url"), e.getMessage());
    }

    @Test
    void extraEnvironmentReachesEveryRole() throws IOException {
        List<JsonNode> objects = objects(rendered().set("extraEnv.ZUNVX_TOKEN_TTL", "4h")
                .set("compute.enabled", "false").set("api.replicas", "1").call());
        assertEquals("4h", find(objects, "ConfigMap", "zv-zunvx-config").path("data").path("ZUNVX_TOKEN_TTL")
                .asText());
        assertTrue(objects.stream().noneMatch(o -> o.path("kind").asText().equals("DaemonSet")));
        assertTrue(objects.stream().noneMatch(o -> o.path("kind").asText().equals("PodDisruptionBudget")
                && o.path("metadata").path("name").asText().endsWith("-api")));
    }
}
