package io.zunvx.api.container;

import static io.zunvx.api.http.Requests.fails;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.vertx.core.json.JsonObject;
import io.zunvx.model.ApiVersion;
import io.zunvx.model.Container;
import io.zunvx.model.Healthcheck;
import io.zunvx.model.Names;
import io.zunvx.model.RestartPolicy;
import io.zunvx.model.Status;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class CreateContainerRequestTest {
    private static final UUID ID = UUID.fromString("b0694d40-70af-4488-b104-10f66b593347");
    private static final String SCHEMA = "schema-validation-error";
    private static final String VERSION = "invalid-param-in-version";
    private static final String VALUE = "invalid-value";
    private static final String NARROW = "[True, 'True', 'true', False, 'False', 'false']";

    private static CreateContainerRequest parse(String json, int minor) {
        return CreateContainerRequest.parse(json == null ? null : new JsonObject(json), ApiVersion.v1(minor),
                "project-1", "user-1", Defaults.standard(), () -> ID, new SplittableRandom(7));
    }

    private static Container build(String json, int minor) {
        return parse(json, minor).container().build();
    }

    private static String field(String f, String value, String message) {
        return "Invalid input for field '" + f + "'.Value: '" + value + "'. " + message;
    }

    @Test
    void minimalBodyGetsZunDefaults() {
        CreateContainerRequest r = parse("{\"image\": \"nginx\"}", 40);
        Container c = r.container().build();
        assertEquals(ID, c.uuid());
        assertEquals(Names.container(new SplittableRandom(7)), c.name());
        assertTrue(c.name().matches("[a-z]+-([1-9]|1[0-9]|2[0-4])-container"), c.name());
        assertEquals("project-1", c.projectId());
        assertEquals("user-1", c.userId());
        assertEquals("nginx", c.image());
        assertEquals(Status.CREATING, c.status());
        assertEquals(1.0, c.cpu());
        assertEquals(512, c.memory());
        assertEquals(0, c.disk());
        assertEquals("docker", c.imageDriver());
        assertNull(c.restartPolicy());
        assertNull(c.command());
        assertNull(c.entrypoint());
        assertFalse(c.interactive());
        assertFalse(c.tty());
        assertFalse(c.autoRemove());
        assertFalse(c.privileged());
        assertNull(c.imagePullPolicy());
        assertNull(r.registry());
        assertEquals(List.of(), r.nets());
        assertEquals(List.of(), r.mounts());
        assertFalse(r.privilegedRequested() || r.runtimeRequested() || r.hostRequested()
                || r.imagePullPolicyRequested());
    }

    @Test
    void bodyTheClientSendsAt140() {
        Container c = build("{\"name\":\"xy\",\"image\":\"nginx\",\"environment\":{},\"auto_remove\":false,"
                + "\"labels\":{},\"hints\":{},\"nets\":[],\"mounts\":[],\"command\":[\"sh\",\"-c\",\"echo hi\"]}", 40);
        assertEquals("xy", c.name());
        assertEquals(List.of("sh", "-c", "echo hi"), c.command());
        assertFalse(c.autoRemove());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "'\"nginx\" \"-g\" \"daemon off;\"' | nginx,-g,daemon off;",
            "'sh -c \"echo hi\"'                | sh,-c,echo hi",
            "'env'                              | env"})
    void commandStringIsSplitBefore120(String command, String words) {
        JsonObject body = new JsonObject().put("image", "nginx").put("command", command);
        assertEquals(List.of(words.split(",")), build(body.encode(), 19).command());
    }

    @Test
    void commandArrayFrom120() {
        assertEquals(List.of("nginx", "-g", "daemon off;"),
                build("{\"image\":\"nginx\",\"command\":[\"nginx\",\"-g\",\"daemon off;\"]}", 20).command());
        assertEquals(List.of(), build("{\"image\":\"nginx\",\"command\":[]}", 20).command());
        assertNull(build("{\"image\":\"nginx\",\"command\":null}", 20).command());
        assertNull(build("{\"image\":\"nginx\",\"command\":null}", 19).command());
    }

    @Test
    void resources() {
        Container c = build("{\"image\":\"nginx\",\"cpu\":\"0.5\",\"memory\":\"256\",\"disk\":\"20\"}", 40);
        assertEquals(0.5, c.cpu());
        assertEquals(256, c.memory());
        assertEquals(20, c.disk());
        c = build("{\"image\":\"nginx\",\"cpu\":2,\"memory\":4,\"disk\":160}", 40);
        assertEquals(2.0, c.cpu());
        assertEquals(4, c.memory());
        assertEquals(160, c.disk());
        c = build("{\"image\":\"nginx\",\"cpu\":16.0,\"memory\":8192,\"disk\":1}", 40);
        assertEquals(16.0, c.cpu());
        assertEquals(8192, c.memory());
        c = build("{\"image\":\"nginx\",\"memory\":null,\"cpu\":null,\"disk\":null}", 40);
        assertEquals(1.0, c.cpu());
        assertEquals(512, c.memory());
        assertEquals(0, c.disk());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"Name\":\"on-failure\",\"MaximumRetryCount\":\"3\"} | on-failure | 3",
            "{\"Name\":\"on-failure\",\"MaximumRetryCount\":5}     | on-failure | 5",
            "{\"Name\":\"on-failure\"}                             | on-failure | 0",
            "{\"Name\":\"no\",\"MaximumRetryCount\":\"5\"}         | no         | 0",
            "{\"Name\":\"always\"}                                 | always     | 0",
            "{\"Name\":\"always\",\"MaximumRetryCount\":\"0\"}     | always     | 0",
            "{\"Name\":\"unless-stopped\",\"MaximumRetryCount\":null} | unless-stopped | 0"})
    void restartPolicies(String policy, String name, int count) {
        assertEquals(new RestartPolicy(name, count),
                build("{\"image\":\"nginx\",\"restart_policy\":" + policy + "}", 40).restartPolicy());
    }

    @Test
    void healthcheckCmdIsStoredAsTest() {
        assertEquals(new Healthcheck("stat /etc/passwd || exit 1", 3, 2, 5),
                build("{\"image\":\"nginx\",\"healthcheck\":{\"cmd\":\"stat /etc/passwd || exit 1\",\"interval\":3,"
                        + "\"retries\":\"2\",\"timeout\":5}}", 22).healthcheck());
        assertEquals(new Healthcheck("true", 0, 0, 0),
                build("{\"image\":\"nginx\",\"healthcheck\":{\"cmd\":\"true\"}}", 40).healthcheck());
        assertNull(build("{\"image\":\"nginx\",\"healthcheck\":{}}", 1).healthcheck());
    }

    @Test
    void exposedPortsAreNormalised() {
        assertEquals(List.of("80/tcp", "53/udp", "8080/tcp", "65535/udp"),
                build("{\"image\":\"nginx\",\"exposed_ports\":{\"80\":{},\"53/udp\":{},\"80/tcp\":{},"
                        + "\"08080\":{},\"65535/udp\":{}}}", 24).exposedPorts());
        assertEquals(List.of(), build("{\"image\":\"nginx\",\"exposed_ports\":{}}", 24).exposedPorts());
    }

    @ParameterizedTest
    @CsvSource({"19,true,,false", "19,true,true,true", "20,true,,true", "20,true,false,true", "35,true,false,true",
            "35,false,true,false", "36,true,,false", "36,true,false,false", "36,false,true,true", "40,true,True,true"})
    void ttyFollowsInteractiveFrom120To135(int minor, boolean interactive, String tty, boolean expectedTty) {
        JsonObject body = new JsonObject().put("image", "nginx").put("interactive", interactive);
        if (tty != null) {
            body.put("tty", tty.equals("True") ? "True" : Boolean.valueOf(tty));
        }
        Container c = build(body.encode(), minor);
        assertEquals(interactive, c.interactive());
        assertEquals(expectedTty, c.tty());
    }

    @Test
    void narrowBooleansAcceptStrings() {
        Container c = build("{\"image\":\"nginx\",\"interactive\":\"True\",\"auto_heal\":\"true\","
                + "\"privileged\":\"False\",\"tty\":\"false\"}", 40);
        assertTrue(c.interactive());
        assertTrue(c.autoHeal());
        assertFalse(c.privileged());
        assertFalse(c.tty());
    }

    @Test
    void otherFields() {
        CreateContainerRequest r = parse("{\"image\":\"nginx\",\"name\":\"web-1\",\"workdir\":\"/srv\","
                + "\"environment\":{\"A\":\"1\"},\"labels\":{\"app\":\"web\",\"n\":1},\"hints\":{\"h\":\"v\"},"
                + "\"image_driver\":\"glance\",\"image_pull_policy\":\"IfNotPresent\",\"runtime\":\"runc\","
                + "\"hostname\":\"web.local\",\"availability_zone\":\"nova\",\"security_groups\":[\"a\",\"b\",\"a\"],"
                + "\"cpu_policy\":\"dedicated\",\"registry\":\"myreg\",\"host\":\"compute1\","
                + "\"entrypoint\":[\"/init\"],\"privileged\":false,\"auto_remove\":true}", 40);
        Container c = r.container().build();
        assertEquals("web-1", c.name());
        assertEquals("/srv", c.workdir());
        assertEquals(Map.of("A", "1"), c.environment());
        assertEquals(Map.of("app", "web", "n", "1"), c.labels());
        assertEquals(Map.of("h", "v"), c.hints());
        assertEquals("glance", c.imageDriver());
        assertEquals("ifnotpresent", c.imagePullPolicy());
        assertEquals("runc", c.runtime());
        assertEquals("web.local", c.hostname());
        assertEquals("nova", c.availabilityZone());
        assertEquals(List.of("a", "b"), c.securityGroups());
        assertEquals("dedicated", c.cpuPolicy());
        assertEquals("compute1", c.requestedHost());
        assertNull(c.host());
        assertEquals(List.of("/init"), c.entrypoint());
        assertFalse(c.privileged());
        assertTrue(c.autoRemove());
        assertEquals("myreg", r.registry());
        assertTrue(r.privilegedRequested());
        assertTrue(r.runtimeRequested());
        assertTrue(r.hostRequested());
        assertTrue(r.imagePullPolicyRequested());
    }

    @Test
    void imageDriverNoneMeansDefault() {
        assertEquals("docker", build("{\"image\":\"nginx\",\"image_driver\":\"None\"}", 40).imageDriver());
        assertEquals("docker", build("{\"image\":\"nginx\",\"image_driver\":null}", 40).imageDriver());
    }

    @Test
    void netsAndMounts() {
        CreateContainerRequest r = parse("{\"image\":\"nginx\",\"nets\":[{\"network\":\"n1\",\"v4-fixed-ip\":"
                + "\"10.0.0.5\"},{\"port\":\"p1\"},{\"network\":\"n2\",\"v6-fixed-ip\":\"fd00::5\"}],"
                + "\"mounts\":[{\"source\":\"vol\",\"destination\":\"/data\"},{\"size\":2,\"destination\":\"/tmp\"},"
                + "{\"type\":\"bind\",\"source\":\"aGk=\",\"destination\":\"/etc/x\"}]}", 40);
        assertEquals(List.of(new CreateContainerRequest.Net("n1", null, "10.0.0.5", null),
                new CreateContainerRequest.Net(null, "p1", null, null),
                new CreateContainerRequest.Net("n2", null, null, "fd00::5")), r.nets());
        assertEquals(List.of(new CreateContainerRequest.Mount("volume", "vol", "/data", null),
                new CreateContainerRequest.Mount("volume", null, "/tmp", "2"),
                new CreateContainerRequest.Mount("bind", "aGk=", "/etc/x", null)), r.mounts());
    }

    static Stream<Arguments> invalidBodies() {
        String s255 = "a".repeat(256);
        return Stream.of(
                arguments("{}", 40, SCHEMA, "'image' is a required property"),
                arguments("{\"foo\":1}", 40, SCHEMA, "'image' is a required property"),
                arguments("{\"image\":null}", 40, SCHEMA,
                        field("image", "None", "None is not of type 'string'")),
                arguments("{\"image\":\"a\"}", 40, SCHEMA, field("image", "a", "'a' is too short")),
                arguments("{\"image\":\"" + s255 + "\"}", 40, SCHEMA,
                        field("image", s255, "'" + s255 + "' is too long")),
                arguments("{\"image\":\"--\"}", 40, SCHEMA,
                        field("image", "--", "'--' does not match '[a-zA-Z0-9][a-zA-Z0-9_.-]'")),
                arguments("{\"image\":\"nginx\",\"foo\":1}", 40, SCHEMA,
                        "Additional properties are not allowed ('foo' was unexpected)"),
                arguments("{\"image\":\"nginx\",\"foo\":1,\"bar\":2}", 40, SCHEMA,
                        "Additional properties are not allowed ('foo', 'bar' were unexpected)"),
                arguments("{\"image\":\"nginx\",\"name\":\"a\"}", 40, SCHEMA, field("name", "a", "'a' is too short")),
                arguments("{\"image\":\"nginx\",\"name\":\"\"}", 40, SCHEMA, field("name", "", "'' is too short")),
                arguments("{\"image\":\"nginx\",\"name\":\"-ab\"}", 40, SCHEMA,
                        field("name", "-ab", "'-ab' does not match '^[a-zA-Z0-9][a-zA-Z0-9_.-]+$'")),
                arguments("{\"image\":\"nginx\",\"name\":\"a b\"}", 40, SCHEMA,
                        field("name", "a b", "'a b' does not match '^[a-zA-Z0-9][a-zA-Z0-9_.-]+$'")),
                arguments("{\"image\":\"nginx\",\"name\":1}", 40, SCHEMA,
                        field("name", "1", "1 is not of type 'string', 'null'")),
                arguments("{\"image\":\"nginx\",\"cpu\":\"abc\"}", 40, SCHEMA,
                        field("cpu", "abc", "'abc' does not match '^[0-9]*(\\\\.([0-9]+))?$'")),
                arguments("{\"image\":\"nginx\",\"cpu\":\"\"}", 40, SCHEMA, field("cpu", "", "'' is too short")),
                arguments("{\"image\":\"nginx\",\"cpu\":0.05}", 40, SCHEMA,
                        field("cpu", "0.05", "0.05 is less than the minimum of 0.1")),
                arguments("{\"image\":\"nginx\",\"cpu\":\"0\"}", 40, SCHEMA,
                        field("cpu", "0", "0 is less than the minimum of 0.1")),
                arguments("{\"image\":\"nginx\",\"cpu\":\"16.5\"}", 40, SCHEMA,
                        field("cpu", "16.5", "16.5 is greater than the maximum of 16.0")),
                arguments("{\"image\":\"nginx\",\"cpu\":17}", 40, SCHEMA,
                        field("cpu", "17", "17 is greater than the maximum of 16.0")),
                arguments("{\"image\":\"nginx\",\"cpu\":true}", 40, SCHEMA,
                        field("cpu", "True", "True is not of type 'number', 'string', 'null'")),
                arguments("{\"image\":\"nginx\",\"memory\":\"2\"}", 40, SCHEMA,
                        field("memory", "2", "2 is less than the minimum of 4")),
                arguments("{\"image\":\"nginx\",\"memory\":9000}", 40, SCHEMA,
                        field("memory", "9000", "9000 is greater than the maximum of 8192")),
                arguments("{\"image\":\"nginx\",\"memory\":\"5.5\"}", 40, SCHEMA,
                        field("memory", "5.5", "'5.5' does not match '^[0-9]+$'")),
                arguments("{\"image\":\"nginx\",\"memory\":\"512M\"}", 40, SCHEMA,
                        field("memory", "512M", "'512M' does not match '^[0-9]+$'")),
                arguments("{\"image\":\"nginx\",\"memory\":512.0}", 40, SCHEMA,
                        field("memory", "512.0", "512.0 is not of type 'string', 'integer', 'null'")),
                arguments("{\"image\":\"nginx\",\"disk\":0}", 40, SCHEMA,
                        field("disk", "0", "0 is less than the minimum of 1")),
                arguments("{\"image\":\"nginx\",\"disk\":\"161\"}", 40, SCHEMA,
                        field("disk", "161", "161 is greater than the maximum of 160")),
                arguments("{\"image\":\"nginx\",\"workdir\":1}", 40, SCHEMA,
                        field("workdir", "1", "1 is not of type 'string', 'null'")),
                arguments("{\"image\":\"nginx\",\"auto_remove\":\"true\"}", 40, SCHEMA,
                        field("auto_remove", "true", "'true' is not of type 'boolean', 'null'")),
                arguments("{\"image\":\"nginx\",\"image_pull_policy\":\"sometimes\"}", 40, SCHEMA,
                        field("image_pull_policy", "sometimes", "'sometimes' is not one of ['never', 'always',"
                                + " 'ifnotpresent', 'Never', 'Always', 'IfNotPresent', None]")),
                arguments("{\"image\":\"nginx\",\"labels\":[]}", 40, SCHEMA,
                        field("labels", "[]", "[] is not of type 'object', 'null'")),
                arguments("{\"image\":\"nginx\",\"hints\":\"h\"}", 40, SCHEMA,
                        field("hints", "h", "'h' is not of type 'object', 'null'")),
                arguments("{\"image\":\"nginx\",\"environment\":{\"A\":1}}", 40, SCHEMA,
                        field("A", "1", "1 is not of type 'string'")),
                arguments("{\"image\":\"nginx\",\"restart_policy\":{\"Name\":\"sometimes\"}}", 40, SCHEMA,
                        field("Name", "sometimes", "'sometimes' is not one of ['no', 'always', 'on-failure',"
                                + " 'unless-stopped']")),
                arguments("{\"image\":\"nginx\",\"restart_policy\":{\"MaximumRetryCount\":\"1\"}}", 40, SCHEMA,
                        field("restart_policy", "{'MaximumRetryCount': '1'}", "'Name' is a required property")),
                arguments("{\"image\":\"nginx\",\"restart_policy\":{\"Name\":\"no\",\"x\":1}}", 40, SCHEMA,
                        field("restart_policy", "{'Name': 'no', 'x': 1}",
                                "Additional properties are not allowed ('x' was unexpected)")),
                arguments("{\"image\":\"nginx\",\"restart_policy\":{\"Name\":\"on-failure\","
                        + "\"MaximumRetryCount\":\"-1\"}}", 40, SCHEMA,
                        field("MaximumRetryCount", "-1", "-1 is less than the minimum of 0")),
                arguments("{\"image\":\"nginx\",\"restart_policy\":{\"Name\":\"on-failure\","
                        + "\"MaximumRetryCount\":\"x\"}}", 40, SCHEMA,
                        field("MaximumRetryCount", "x", "'x' does not match '^[0-9]+$'")),
                arguments("{\"image\":\"nginx\",\"restart_policy\":\"always\"}", 40, SCHEMA,
                        field("restart_policy", "always", "'always' is not of type 'object', 'null'")),
                arguments("{\"image\":\"nginx\",\"restart_policy\":{\"Name\":\"always\",\"MaximumRetryCount\":3}}",
                        40, VALUE, "maximum retry count not valid with restart policy of always"),
                arguments("{\"image\":\"nginx\",\"restart_policy\":{\"Name\":\"unless-stopped\","
                        + "\"MaximumRetryCount\":\"1\"}}", 40, VALUE,
                        "maximum retry count not valid with restart policy of unless-stopped"),
                arguments("{\"image\":\"nginx\",\"interactive\":\"yes\"}", 40, SCHEMA,
                        field("interactive", "yes", "'yes' is not one of " + NARROW)),
                arguments("{\"image\":\"nginx\",\"interactive\":1}", 40, SCHEMA,
                        field("interactive", "1", "1 is not of type 'boolean', 'string'")),
                arguments("{\"image\":\"nginx\",\"interactive\":null}", 40, SCHEMA,
                        field("interactive", "None", "None is not of type 'boolean', 'string'")),
                arguments("{\"image\":\"nginx\",\"tty\":\"on\"}", 40, SCHEMA,
                        field("tty", "on", "'on' is not one of " + NARROW)),
                arguments("{\"image\":\"nginx\",\"auto_heal\":\"1\"}", 40, SCHEMA,
                        field("auto_heal", "1", "'1' is not one of " + NARROW)),
                arguments("{\"image\":\"nginx\",\"privileged\":\"yes\"}", 40, SCHEMA,
                        field("privileged", "yes", "'yes' is not one of " + NARROW)),
                arguments("{\"image\":\"nginx\",\"image_driver\":\"podman\"}", 40, SCHEMA,
                        field("image_driver", "podman", "'podman' is not one of ['glance', 'docker', None, 'None']")),
                arguments("{\"image\":\"nginx\",\"security_groups\":\"sg\"}", 40, SCHEMA,
                        field("security_groups", "sg", "'sg' is not of type 'array', 'null'")),
                arguments("{\"image\":\"nginx\",\"security_groups\":[\"ok\",\"\"]}", 40, SCHEMA,
                        field("1", "", "'' is too short")),
                arguments("{\"image\":\"nginx\",\"security_groups\":[1]}", 40, SCHEMA,
                        field("0", "1", "1 is not of type 'string'")),
                arguments("{\"image\":\"nginx\",\"mounts\":[{\"source\":\"v\"}]}", 40, SCHEMA,
                        field("0", "{'source': 'v'}",
                                "{'source': 'v'} is not valid under any of the given schemas")),
                arguments("{\"image\":\"nginx\",\"mounts\":[{\"destination\":\"/d\",\"size\":1,\"x\":1}]}", 40,
                        SCHEMA, field("0", "{'destination': '/d', 'size': 1, 'x': 1}",
                                "Additional properties are not allowed ('x' was unexpected)")),
                arguments("{\"image\":\"nginx\",\"mounts\":[{\"destination\":\"/d\",\"size\":1.5}]}", 40, SCHEMA,
                        field("size", "1.5", "1.5 is not of type 'string', 'integer'")),
                arguments("{\"image\":\"nginx\",\"mounts\":[{\"type\":\"tmpfs\",\"destination\":\"/d\","
                        + "\"size\":1}]}", 40, SCHEMA,
                        field("type", "tmpfs", "'tmpfs' is not one of ['volume', 'bind']")),
                arguments("{\"image\":\"nginx\",\"mounts\":[\"v:/d\"]}", 40, SCHEMA,
                        field("0", "v:/d", "'v:/d' is not of type 'object'")),
                arguments("{\"image\":\"nginx\",\"nets\":[{\"network\":\"a\",\"port\":\"b\"}]}", 40, SCHEMA,
                        field("0", "{'network': 'a', 'port': 'b'}", "{'network': 'a', 'port': 'b'} is valid under"
                                + " each of {'required': ['network']}, {'required': ['port']}")),
                arguments("{\"image\":\"nginx\",\"nets\":[{}]}", 40, SCHEMA,
                        field("0", "{}", "{} is not valid under any of the given schemas")),
                arguments("{\"image\":\"nginx\",\"nets\":[{\"network\":\"\"}]}", 40, SCHEMA,
                        field("network", "", "'' is too short")),
                arguments("{\"image\":\"nginx\",\"nets\":[{\"network\":\"a\",\"v4-fixed-ip\":\"300.1.1.1\"}]}", 40,
                        SCHEMA, field("v4-fixed-ip", "300.1.1.1", "'300.1.1.1' is not a 'ipv4'")),
                arguments("{\"image\":\"nginx\",\"nets\":[{\"network\":\"a\",\"v6-fixed-ip\":\"fe80::1::2\"}]}", 40,
                        SCHEMA, field("v6-fixed-ip", "fe80::1::2", "'fe80::1::2' is not a 'ipv6'")),
                arguments("{\"image\":\"nginx\",\"nets\":[{\"net\":\"a\"}]}", 40, SCHEMA,
                        field("0", "{'net': 'a'}", "Additional properties are not allowed ('net' was unexpected)")),
                arguments("{\"image\":\"nginx\",\"runtime\":1}", 40, SCHEMA,
                        field("runtime", "1", "1 is not of type 'string', 'null'")),
                arguments("{\"image\":\"nginx\",\"hostname\":\"\"}", 40, SCHEMA,
                        field("hostname", "", "'' is too short")),
                arguments("{\"image\":\"nginx\",\"hostname\":\"a b\"}", 40, SCHEMA,
                        field("hostname", "a b", "'a b' does not match '^[a-zA-Z0-9-._]*$'")),
                arguments("{\"image\":\"nginx\",\"hostname\":null}", 40, SCHEMA,
                        field("hostname", "None", "None is not of type 'string'")),
                arguments("{\"image\":\"nginx\",\"availability_zone\":\"\"}", 40, SCHEMA,
                        field("availability_zone", "", "'' is too short")),
                arguments("{\"image\":\"nginx\",\"healthcheck\":\"true\"}", 40, SCHEMA,
                        field("healthcheck", "true", "'true' is not of type 'object', 'null'")),
                arguments("{\"image\":\"nginx\",\"healthcheck\":{\"cmd\":\"x\",\"foo\":1}}", 40, SCHEMA,
                        field("healthcheck", "{'cmd': 'x', 'foo': 1}",
                                "Additional properties are not allowed ('foo' was unexpected)")),
                arguments("{\"image\":\"nginx\",\"healthcheck\":{\"cmd\":\"x\",\"interval\":\"-1\"}}", 40, SCHEMA,
                        field("interval", "-1", "'-1' does not match '^[0-9]*$'")),
                arguments("{\"image\":\"nginx\",\"healthcheck\":{\"cmd\":\"x\",\"retries\":-1}}", 40, SCHEMA,
                        field("retries", "-1", "-1 is less than the minimum of 0")),
                arguments("{\"image\":\"nginx\",\"healthcheck\":{\"cmd\":1}}", 40, SCHEMA,
                        field("cmd", "1", "1 is not of type 'string'")),
                arguments("{\"image\":\"nginx\",\"healthcheck\":{\"interval\":3}}", 40, SCHEMA,
                        field("healthcheck", "{'interval': 3}", "'cmd' is a required property")),
                arguments("{\"image\":\"nginx\",\"exposed_ports\":\"80\"}", 40, SCHEMA,
                        field("exposed_ports", "80", "'80' is not of type 'object', 'null'")),
                arguments("{\"image\":\"nginx\",\"exposed_ports\":{\"80/sctp\":{}}}", 40, VALUE,
                        "value sctp is an invalid protocol"),
                arguments("{\"image\":\"nginx\",\"exposed_ports\":{\"80/TCP\":{}}}", 40, VALUE,
                        "value TCP is an invalid protocol"),
                arguments("{\"image\":\"nginx\",\"exposed_ports\":{\"abc\":{}}}", 40, VALUE,
                        "value abc is invalid as publish port."),
                arguments("{\"image\":\"nginx\",\"exposed_ports\":{\"0/tcp\":{}}}", 40, VALUE,
                        "value 0 is invalid as publish port."),
                arguments("{\"image\":\"nginx\",\"exposed_ports\":{\"65536\":{}}}", 40, VALUE,
                        "value 65536 is invalid as publish port."),
                arguments("{\"image\":\"nginx\",\"exposed_ports\":{\"80/tcp/x\":{}}}", 40, VALUE,
                        "value 80/tcp/x is invalid as publish port."),
                arguments("{\"image\":\"nginx\",\"security_groups\":[\"a\"],\"exposed_ports\":{\"80\":{}}}", 40,
                        SCHEMA, "{'image': 'nginx', 'security_groups': ['a'], 'exposed_ports': {'80': {}}} should not"
                                + " be valid under {'required': ['security_groups', 'exposed_ports']}"),
                arguments("{\"image\":\"nginx\",\"cpu_policy\":\"x\"}", 40, SCHEMA,
                        field("cpu_policy", "x", "'x' is not one of ['dedicated', 'shared']")),
                arguments("{\"image\":\"nginx\",\"cpu_policy\":null}", 40, SCHEMA,
                        field("cpu_policy", "None", "None is not of type 'string'")),
                arguments("{\"image\":\"nginx\",\"registry\":\"r\"}", 40, SCHEMA,
                        field("registry", "r", "'r' is too short")),
                arguments("{\"image\":\"nginx\",\"registry\":null}", 40, SCHEMA,
                        field("registry", "None", "None is not of type 'string'")),
                arguments("{\"image\":\"nginx\",\"host\":\"\"}", 40, SCHEMA, field("host", "", "'' is too short")),
                arguments("{\"image\":\"nginx\",\"host\":\"a/b\"}", 40, SCHEMA,
                        field("host", "a/b", "'a/b' does not match '^[a-zA-Z0-9-._]*$'")),
                arguments("{\"image\":\"nginx\",\"entrypoint\":\"sh\"}", 40, SCHEMA,
                        field("entrypoint", "sh", "'sh' is not of type 'array', 'null'")),
                arguments("{\"image\":\"nginx\",\"entrypoint\":[1]}", 40, SCHEMA,
                        field("0", "1", "1 is not of type 'string'")),
                arguments("{\"image\":\"nginx\",\"command\":[\"ls\"]}", 19, SCHEMA,
                        field("command", "['ls']", "['ls'] is not of type 'string', 'null'")),
                arguments("{\"image\":\"nginx\",\"command\":\"ls\"}", 20, SCHEMA,
                        field("command", "ls", "'ls' is not of type 'array', 'null'")),
                arguments("{\"image\":\"nginx\",\"command\":\"echo 'unterminated\"}", 19, VALUE,
                        "No closing quotation"),
                arguments("{\"image\":\"nginx\",\"command\":\"echo \\\\\"}", 19, VALUE, "No escaped character"),
                // The first failing property in Zun's order wins: name is listed before image.
                arguments("{\"image\":\"a\",\"name\":\"b\"}", 40, SCHEMA, field("name", "b", "'b' is too short")),
                // Every schema failure comes before any version check.
                arguments("{\"image\":\"nginx\",\"runtime\":\"runc\",\"cpu\":99}", 4, SCHEMA,
                        field("cpu", "99", "99 is greater than the maximum of 16.0")));
    }

    @ParameterizedTest
    @MethodSource("invalidBodies")
    void invalidBody(String json, int minor, String code, String message) {
        fails(() -> parse(json, minor), 400, code, message);
    }

    @Test
    void nullBodyIsNotAnObject() {
        fails(() -> parse(null, 40), 400, SCHEMA, "None is not of type 'object'");
    }

    static Stream<Arguments> versionGates() {
        return Stream.of(
                arguments("nets", "[{\"network\":\"n1\"}]", 2),
                arguments("auto_remove", "true", 3),
                arguments("runtime", "\"runc\"", 5),
                arguments("hostname", "\"h1\"", 9),
                arguments("mounts", "[{\"source\":\"v\",\"destination\":\"/d\"}]", 11),
                arguments("privileged", "true", 21),
                arguments("healthcheck", "{\"cmd\":\"true\"}", 22),
                arguments("exposed_ports", "{\"80\":{}}", 24),
                arguments("registry", "\"myreg\"", 31),
                arguments("host", "\"compute1\"", 39),
                arguments("entrypoint", "[\"/init\"]", 40));
    }

    @ParameterizedTest
    @MethodSource("versionGates")
    void fieldNewerThanTheRequestIsRejected(String field, String value, int since) {
        String body = "{\"image\":\"nginx\",\"" + field + "\":" + value + "}";
        fails(() -> parse(body, since - 1), 400, VERSION, "Invalid param " + field
                + " because current request version is 1." + (since - 1) + ". " + field
                + " is only supported from version 1." + since);
        assertDoesNotThrow(() -> parse(body, since));
    }

    @Test
    void mountTypeNeeds123() {
        String body = "{\"image\":\"nginx\",\"mounts\":[{\"type\":\"bind\",\"source\":\"aGk=\","
                + "\"destination\":\"/x\"}]}";
        fails(() -> parse(body, 22), 400, VERSION,
                "Invalid param type because current request version is 1.22. type is only supported from version 1.23");
        assertDoesNotThrow(() -> parse(body, 23));
    }

    @Test
    void emptyOrNullNewFieldsAreNotGated() {
        assertDoesNotThrow(() -> parse("{\"image\":\"nginx\",\"nets\":[],\"mounts\":[],\"auto_remove\":null,"
                + "\"healthcheck\":{},\"entrypoint\":null,\"nets\":null}", 1));
        assertDoesNotThrow(() -> parse("{\"image\":\"nginx\",\"cpu_policy\":\"dedicated\"}", 1));
    }

    @Test
    void emptyExposedPortsAreStillGated() {
        fails(() -> parse("{\"image\":\"nginx\",\"exposed_ports\":{}}", 23), 400, VERSION,
                "Invalid param exposed_ports because current request version is 1.23. exposed_ports is only"
                        + " supported from version 1.24");
    }

    @Test
    void gatesRunInZunsOrder() {
        fails(() -> parse("{\"image\":\"nginx\",\"entrypoint\":[\"x\"],\"auto_remove\":true}", 1), 400, VERSION,
                "Invalid param auto_remove because current request version is 1.1. auto_remove is only supported"
                        + " from version 1.3");
        fails(() -> parse("{\"image\":\"nginx\",\"restart_policy\":{\"Name\":\"always\",\"MaximumRetryCount\":1},"
                + "\"exposed_ports\":{\"80\":{}}}", 23), 400, VALUE,
                "maximum retry count not valid with restart policy of always");
    }
}
