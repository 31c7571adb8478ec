package io.zunvx.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import io.zunvx.compute.agent.CrashPoints;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Capsules end to end with the real {@code zun} CLI against the all-in-one: {@code capsule-create -f} with YAML and
 * JSON templates, {@code capsule-list}, {@code capsule-describe}, {@code capsule-delete}; two containers that reach
 * each other on localhost through the sandbox; an init container that fails; a capsule over quota; another
 * project's capsule answering 404; and the template rules answering 400.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class CapsuleCliIT {
    private static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    static Path data;

    static AllInOne platform;
    static IdentityIT.Keystone keystone;
    static Map<String, String> admin;

    @BeforeAll
    static void start() {
        assertTrue(Files.isExecutable(Path.of("/usr/bin/zun")), "the zun CLI is missing: run scripts/bootstrap.sh");
        assertEquals(0, docker("image", "inspect", "zunvx-sandbox:latest").exit(),
                "the sandbox image is missing: run scripts/bootstrap.sh");
        platform = Platforms.start(data, CrashPoints.NONE, Map.of());
        keystone = new IdentityIT.Keystone("http://127.0.0.1:" + platform.apiPort());
        admin = ZunCliIT.credentials(platform, "admin", IdentityIT.ADMIN_PASSWORD, "admin");
        // Capsules that fit on no host ask for more memory than the default quota allows.
        ZunHttp.Response unlimited = new ZunHttp("http://127.0.0.1:" + platform.apiPort(), platform.adminToken(),
                "1.40").put("/v1/quotas/" + platform.bootstrap().projectId(), "{\"memory\": -1}");
        assertEquals(200, unlimited.status(), unlimited.body());
    }

    @AfterAll
    static void stop() {
        Platforms.stop(platform);
    }

    @Test
    void twoContainersReachEachOtherOnLocalhostAndTheCapsuleIsDeletedWhole() throws IOException {
        // GIVEN a YAML template: an init container, a web server and a client of it on localhost
        String name = "cap-web-" + ZunCliIT.suffix();
        Path yaml = data.resolve(name + ".yaml");
        Files.writeString(yaml, """
                kind: capsule
                capsuleVersion: beta
                metadata:
                  name: %s
                  labels: {app: web}
                spec:
                  restartPolicy: Always
                  initContainers:
                  - image: busybox
                    command: ["sh", "-c", "echo init done"]
                    resources: {requests: {cpu: 0.1, memory: 16}}
                  containers:
                  - image: busybox
                    command: ["sh", "-c", "mkdir -p /www && echo capsule-hello > /www/index.html && httpd -f -p 18093 -h /www"]
                    resources: {requests: {cpu: 0.1, memory: 32}}
                    ports: [{containerPort: 18093, protocol: TCP}]
                  - image: busybox
                    command: ["sh", "-c", "until wget -q -O /tmp/got http://127.0.0.1:18093/index.html; do sleep 1; done; cat /tmp/got; sleep 3600"]
                    resources: {requests: {cpu: 0.1, memory: 32}}
                """.formatted(name), StandardCharsets.UTF_8);

        // WHEN the CLI creates it
        ZunCliIT.Cli create = ZunCliIT.zun(admin, "capsule-create", "-f", yaml.toString());

        // THEN it is accepted and comes up Running, with the sums of its containers and the sandbox's address
        create.assertOk();
        JsonObject running = awaitStatus(name, "Running");
        assertEquals(0.2, running.getDouble("cpu"), 1e-9, running.encodePrettily());
        assertEquals("64", running.getString("memory"));
        assertEquals(2, running.getJsonArray("containers").size());
        assertEquals(1, running.getJsonArray("init_containers").size());
        assertEquals("Stopped", running.getJsonArray("init_containers").getJsonObject(0).getString("status"));
        assertTrue(running.getJsonObject("addresses").encode().contains("addr"), running.encodePrettily());

        // AND the second container fetched the first one's page over localhost
        String client = running.getJsonArray("containers").getJsonObject(1).getString("uuid");
        Poll.until(WAIT, () -> docker("logs", "zun-" + client), r -> r.out().contains("capsule-hello"),
                "the client container to print the page");

        // AND the sandbox publishes the capsule's port on the host
        String uuid0 = running.getString("uuid");
        ZunCliIT.Cli port = docker("port", "zun-" + uuid0);
        assertTrue(port.out().contains("18093"), port.out());

        // AND list and describe show it; its containers are not containers of `zun list`
        ZunCliIT.Cli list = ZunCliIT.zun(admin, "capsule-list");
        list.assertOk();
        assertTrue(list.out().contains(name), list.out());
        ZunCliIT.Cli plain = ZunCliIT.zun(admin, "list");
        plain.assertOk();
        assertTrue(!plain.out().contains(client), plain.out());

        // WHEN it is deleted
        String uuid = running.getString("uuid");
        ZunCliIT.Cli delete = ZunCliIT.zun(admin, "capsule-delete", name);

        // THEN the capsule, its containers and its sandbox are gone
        delete.assertOk();
        Poll.until(WAIT, () -> ZunCliIT.zun(admin, "capsule-list"), r -> r.exit() == 0 && !r.out().contains(uuid),
                "the capsule to leave the list");
        Poll.until(WAIT, () -> docker("ps", "-a", "-q", "--filter", "name=zun-" + uuid), r -> r.out().isBlank(),
                "the sandbox to be removed");
        Poll.until(WAIT, () -> docker("ps", "-a", "-q", "--filter", "name=zun-" + client), r -> r.out().isBlank(),
                "the client container to be removed");
    }

    @Test
    void aShellAsTheCommandKeepsRunningBecauseStdinIsOpen() throws IOException {
        // GIVEN a template whose only container runs a shell, as Zun's gate runs /bin/bash (stdin not given)
        String name = "cap-sh-" + ZunCliIT.suffix();
        Path yaml = data.resolve(name + ".yaml");
        Files.writeString(yaml, """
                kind: capsule
                metadata: {name: %s}
                spec:
                  containers:
                  - image: busybox
                    command: [sh]
                    resources: {requests: {cpu: 0.1, memory: 16}}
                """.formatted(name), StandardCharsets.UTF_8);

        // WHEN the CLI creates it
        ZunCliIT.zun(admin, "capsule-create", "-f", yaml.toString()).assertOk();

        // THEN it is Running (the shell waits on its open stdin instead of exiting at once) and says interactive
        JsonObject running = awaitStatus(name, "Running");
        JsonObject shell = running.getJsonArray("containers").getJsonObject(0);
        assertTrue(shell.getBoolean("interactive"), shell.encodePrettily());
        ZunCliIT.Cli open = docker("inspect", "-f", "{{.Config.OpenStdin}}", "zun-" + shell.getString("uuid"));
        assertEquals("true", open.out().strip(), open.out());
        ZunCliIT.zun(admin, "capsule-delete", name).assertOk();
        String uuid = running.getString("uuid");
        Poll.until(WAIT, () -> ZunCliIT.zun(admin, "capsule-list"), r -> r.exit() == 0 && !r.out().contains(uuid),
                "the capsule to leave the list");
    }

    @Test
    void anInitContainerWritesIntoASharedVolumeThatTheMainContainerServes() throws IOException {
        // GIVEN a template whose init container writes a page into a new volume that a web server then serves
        String name = "cap-vol-" + ZunCliIT.suffix();
        Path yaml = data.resolve(name + ".yaml");
        Files.writeString(yaml, """
                kind: capsule
                metadata: {name: %s}
                spec:
                  initContainers:
                  - image: busybox
                    command: [sh, -c, "echo from-init > /data/index.html"]
                    resources: {requests: {cpu: 0.1, memory: 16}}
                    volumeMounts: [{name: data, mountPath: /data}]
                  containers:
                  - image: busybox
                    command: [httpd, -f, -p, "18094", -h, /www]
                    resources: {requests: {cpu: 0.1, memory: 16}}
                    volumeMounts: [{name: data, mountPath: /www, readOnly: true}]
                  - image: busybox
                    command: [sh, -c, "until wget -q -O /tmp/got http://127.0.0.1:18094/index.html; do sleep 1; done; cat /tmp/got; sleep 3600"]
                    resources: {requests: {cpu: 0.1, memory: 16}}
                  volumes:
                  - name: data
                    cinder: {size: 1, autoRemove: true}
                """.formatted(name), StandardCharsets.UTF_8);

        // WHEN the CLI creates it
        ZunCliIT.zun(admin, "capsule-create", "-f", yaml.toString()).assertOk();

        // THEN it runs, and the client read what the init container wrote, through the server
        JsonObject running = awaitStatus(name, "Running");
        String client = running.getJsonArray("containers").getJsonObject(1).getString("uuid");
        Poll.until(WAIT, () -> docker("logs", "zun-" + client), r -> r.out().contains("from-init"),
                "the client container to print the page the init container wrote");

        // AND the legacy shape names the volume, which is in use
        ZunHttp legacy = new ZunHttp("http://127.0.0.1:" + platform.apiPort(), platform.adminToken(), "1.31");
        JsonObject old = legacy.get("/v1/capsules/" + name).json();
        String volume = old.getJsonObject("volumes_info").getString("data");
        assertEquals(name, old.getString("meta_name"));
        String volumes = "/volume/v3/" + platform.bootstrap().projectId() + "/volumes/";
        assertEquals("in-use", legacy.get(volumes + volume).json().getJsonObject("volume").getString("status"));

        // WHEN it is deleted THEN the auto-removed volume goes with it
        ZunCliIT.zun(admin, "capsule-delete", name).assertOk();
        Poll.until(WAIT, () -> legacy.get(volumes + volume).status(), s -> s == 404, "the volume to be removed");
    }

    @Test
    void aFailingInitContainerLeavesTheCapsuleInErrorWithTheReason() throws IOException {
        // GIVEN a JSON template whose init container exits 3 under restartPolicy Never
        String name = "cap-init-" + ZunCliIT.suffix();
        Path json = data.resolve(name + ".json");
        Files.writeString(json, new JsonObject()
                .put("kind", "capsule")
                .put("metadata", new JsonObject().put("name", name))
                .put("spec", new JsonObject()
                        .put("restartPolicy", "Never")
                        .put("initContainers", List.of(new JsonObject().put("image", "busybox")
                                .put("command", List.of("sh", "-c", "exit 3"))
                                .put("resources", new JsonObject().put("requests",
                                        new JsonObject().put("cpu", 0.1).put("memory", 16)))))
                        .put("containers", List.of(new JsonObject().put("image", "busybox")
                                .put("command", List.of("sleep", "600"))
                                .put("resources", new JsonObject().put("requests",
                                        new JsonObject().put("cpu", 0.1).put("memory", 16))))))
                .encodePrettily(), StandardCharsets.UTF_8);

        // WHEN the CLI creates it
        ZunCliIT.Cli create = ZunCliIT.zun(admin, "capsule-create", "-f", json.toString());

        // THEN it ends in Error, saying which init container failed and how; the main container never ran
        create.assertOk();
        JsonObject failed = Poll.until(WAIT, () -> show(name), c -> "Error".equals(c.getString("status"))
                && c.getJsonArray("containers").getJsonObject(0).getString("status").equals("Error"),
                name + " to be Error with its main container not started");
        assertTrue(failed.getString("status_reason").contains("exit code 3"), failed.encodePrettily());
        assertTrue(failed.getString("status_reason").startsWith("init container capsule-" + name),
                failed.encodePrettily());
        JsonObject main = failed.getJsonArray("containers").getJsonObject(0);
        assertEquals("Error", main.getString("status"), failed.encodePrettily());
        assertTrue(main.getString("status_reason").startsWith("not started"), failed.encodePrettily());

        // AND it can be deleted
        ZunCliIT.zun(admin, "capsule-delete", name).assertOk();
        Poll.until(WAIT, () -> ZunCliIT.zun(admin, "capsule-list"), r -> r.exit() == 0 && !r.out().contains(name),
                "the capsule to leave the list");
    }

    @Test
    void aCapsuleOverQuotaIsRefusedWholeAndOthersCapsulesAreNotFound() throws IOException {
        // GIVEN a project whose quota allows two containers, with a member
        String adminToken = keystone.login("admin", IdentityIT.ADMIN_PASSWORD, "admin");
        String projectName = "cap-quota-" + ZunCliIT.suffix();
        JsonObject project = keystone.createProject(adminToken, projectName);
        String projectId = project.getString("id");
        String password = "pw-" + ZunCliIT.suffix();
        JsonObject user = keystone.createUser(adminToken, "cap-user-" + ZunCliIT.suffix(), password, projectId);
        keystone.grant(adminToken, projectId, user.getString("id"), "member");
        Map<String, String> member = ZunCliIT.credentials(platform, user.getString("name"), password, projectName);
        ZunCliIT.zun(admin, "quota-update", "--containers", "2", projectId).assertOk();

        // WHEN the member creates a capsule of three containers
        String name = "cap-big-" + ZunCliIT.suffix();
        Path yaml = data.resolve(name + ".yaml");
        Files.writeString(yaml, """
                kind: capsule
                metadata: {name: %s}
                spec:
                  containers:
                  - {image: busybox, command: [sleep, "600"], resources: {requests: {cpu: 0.1, memory: 16}}}
                  - {image: busybox, command: [sleep, "600"], resources: {requests: {cpu: 0.1, memory: 16}}}
                  - {image: busybox, command: [sleep, "600"], resources: {requests: {cpu: 0.1, memory: 16}}}
                """.formatted(name), StandardCharsets.UTF_8);
        ZunCliIT.Cli refused = ZunCliIT.zun(member, "capsule-create", "-f", yaml.toString());

        // THEN it is refused with 403 and nothing is created
        assertTrue(refused.exit() != 0 && refused.out().contains("Quota exceeded"), refused.out());
        ZunCliIT.Cli list = ZunCliIT.zun(member, "capsule-list");
        list.assertOk();
        assertTrue(!list.out().contains(name), list.out());

        // AND a capsule of the admin's project is not found by the member
        String mine = "cap-mine-" + ZunCliIT.suffix();
        Path small = data.resolve(mine + ".yaml");
        Files.writeString(small, """
                kind: capsule
                metadata: {name: %s}
                spec:
                  containers:
                  - {image: busybox, command: [sleep, "600"], resources: {requests: {cpu: 0.1, memory: 16}}}
                """.formatted(mine), StandardCharsets.UTF_8);
        ZunCliIT.zun(admin, "capsule-create", "-f", small.toString()).assertOk();
        String uuid = describe(admin, mine).getString("uuid");
        ZunCliIT.Cli other = ZunCliIT.zun(member, "capsule-describe", uuid);
        assertTrue(other.exit() != 0 && other.out().contains("could not be found"), other.out());
        ZunCliIT.Cli otherDelete = ZunCliIT.zun(member, "capsule-delete", uuid);
        assertTrue(otherDelete.out().contains("could not be found"), otherDelete.out());
        ZunCliIT.zun(admin, "capsule-delete", mine).assertOk();
    }

    @Test
    void theOpenstackClientsCapsuleCommandsWork() throws IOException {
        assertTrue(Files.isExecutable(Path.of("/usr/bin/openstack")), "the openstack CLI is missing: run "
                + "scripts/bootstrap.sh");
        // GIVEN a one-container template
        String name = "cap-osc-" + ZunCliIT.suffix();
        Path yaml = data.resolve(name + ".yaml");
        Files.writeString(yaml, """
                kind: capsule
                metadata: {name: %s}
                spec:
                  containers:
                  - {image: busybox, command: [sleep, "600"], resources: {requests: {cpu: 0.1, memory: 16}}}
                """.formatted(name), StandardCharsets.UTF_8);

        // WHEN `openstack capsule create --file` makes it THEN list and show find it, and delete removes it
        ZunCliIT.cli("/usr/bin/openstack", admin, "capsule", "create", "--file", yaml.toString()).assertOk();
        awaitStatus(name, "Running");
        ZunCliIT.Cli list = ZunCliIT.cli("/usr/bin/openstack", admin, "capsule", "list");
        list.assertOk();
        assertTrue(list.out().contains(name), list.out());
        ZunCliIT.Cli show = ZunCliIT.cli("/usr/bin/openstack", admin, "capsule", "show", name, "-f", "json");
        show.assertOk();
        assertEquals("Running", new JsonObject(show.out().substring(show.out().indexOf('{'))).getString("status"));
        ZunCliIT.cli("/usr/bin/openstack", admin, "capsule", "delete", name).assertOk();
        Poll.until(WAIT, () -> show(name).getString("status"), "HTTP 404"::equals, "the capsule to go");
    }

    @Test
    void aCapsuleThatFitsNowhereIsErrorWithTheSchedulersReason() {
        // GIVEN a capsule of eight containers of 8 GiB each: more memory than this host offers
        JsonObject big = new JsonObject().put("image", "busybox").put("command", List.of("sleep", "600"))
                .put("resources", new JsonObject().put("requests", new JsonObject().put("cpu", 0.1)
                        .put("memory", 8192)));
        String name = "cap-huge-" + ZunCliIT.suffix();
        ZunHttp api = new ZunHttp("http://127.0.0.1:" + platform.apiPort(), platform.adminToken(), "1.40");
        ZunHttp.Response created = api.post("/v1/capsules", new JsonObject().put("template", new JsonObject()
                .put("kind", "capsule").put("metadata", new JsonObject().put("name", name))
                .put("spec", new JsonObject().put("containers", List.of(big, big, big, big, big, big, big, big))))
                .encode());
        assertEquals(202, created.status(), created.body());
        assertEquals("65536", created.json().getString("memory"));

        // THEN it ends in Error, saying why no host took it, and nothing of it runs
        JsonObject failed = awaitStatus(name, "Error");
        assertTrue(failed.getString("status_reason").startsWith("sandbox: There are not enough hosts available"),
                failed.encodePrettily());
        String uuid = failed.getString("uuid");
        assertEquals("", docker("ps", "-a", "-q", "--filter", "name=zun-" + uuid).out().strip());

        // AND its delete, with nothing placed, is immediate
        assertEquals(204, api.delete("/v1/capsules/" + name).status());
        assertEquals(404, api.get("/v1/capsules/" + uuid).status());
    }

    @Test
    void theListPagesWithMarkersAndAllProjectsIsForAdmins() {
        // GIVEN three capsules that fit nowhere (nothing of them runs)
        ZunHttp api = new ZunHttp("http://127.0.0.1:" + platform.apiPort(), platform.adminToken(), "1.40");
        JsonObject big = new JsonObject().put("image", "busybox").put("resources", new JsonObject()
                .put("requests", new JsonObject().put("cpu", 0.1).put("memory", 8192)));
        List<String> made = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ZunHttp.Response r = api.post("/v1/capsules", new JsonObject().put("template", new JsonObject()
                    .put("kind", "capsule").put("metadata", new JsonObject().put("name", "cap-page-" + i + "-"
                            + ZunCliIT.suffix()))
                    .put("spec", new JsonObject().put("containers", List.of(big, big, big, big, big, big, big, big))))
                    .encode());
            assertEquals(202, r.status(), r.body());
            made.add(r.json().getString("uuid"));
        }

        // WHEN the list is read two at a time, by uuid THEN the pages hold them in order, with a next link
        ZunHttp.Response first = api.get("/v1/capsules?limit=2&sort_key=uuid");
        assertEquals(200, first.status(), first.body());
        assertEquals(2, first.json().getJsonArray("capsules").size());
        String next = first.json().getString("next");
        assertTrue(next.contains("marker="), next);
        ZunHttp.Response second = api.get(next.substring(next.indexOf("/v1/")));
        assertEquals(200, second.status(), second.body());
        List<String> seen = new ArrayList<>();
        for (ZunHttp.Response page : List.of(first, second)) {
            page.json().getJsonArray("capsules").forEach(o -> seen.add(((JsonObject) o).getString("uuid")));
        }
        assertEquals(seen.stream().sorted().toList(), seen);
        assertEquals(seen.stream().distinct().count(), seen.size());
        assertEquals(400, api.get("/v1/capsules?sort_key=color").status());
        assertEquals(404, api.get("/v1/capsules?marker=" + UUID.randomUUID()).status());

        // AND a member may not list all projects
        String adminToken = keystone.login("admin", IdentityIT.ADMIN_PASSWORD, "admin");
        String projectName = "cap-page-p-" + ZunCliIT.suffix();
        JsonObject project = keystone.createProject(adminToken, projectName);
        String password = "pw-" + ZunCliIT.suffix();
        JsonObject user = keystone.createUser(adminToken, "cap-page-u-" + ZunCliIT.suffix(), password,
                project.getString("id"));
        keystone.grant(adminToken, project.getString("id"), user.getString("id"), "member");
        String memberToken = keystone.login(user.getString("name"), password, projectName);
        ZunHttp asMember = api.withToken(memberToken);
        assertEquals(403, asMember.get("/v1/capsules?all_projects=True").status());
        assertEquals(0, asMember.get("/v1/capsules").json().getJsonArray("capsules").size());
        assertEquals(200, api.get("/v1/capsules?all_projects=True").status());

        for (String uuid : made) {
            assertEquals(204, api.delete("/v1/capsules/" + uuid).status());
        }
    }

    @Test
    void templateRulesAnswer400WithZunsErrorBody() {
        String token = platform.adminToken();
        String base = "http://127.0.0.1:" + platform.apiPort();
        JsonObject container = new JsonObject().put("image", "busybox");
        List<JsonObject> bad = List.of(
                new JsonObject().put("template", new JsonObject().put("kind", "capsule").put("spec",
                        new JsonObject().put("containers", List.of(container)))),
                new JsonObject().put("template", new JsonObject().put("kind", "capsule").put("metadata",
                        new JsonObject())),
                new JsonObject().put("template", new JsonObject().put("kind", "capsule").put("metadata",
                        new JsonObject()).put("spec", new JsonObject().put("containers", List.of()))),
                new JsonObject().put("template", new JsonObject().put("kind", "capsule").put("metadata",
                        new JsonObject()).put("spec", new JsonObject().put("containers", List.of(container)))
                        .put("extra", 1)),
                new JsonObject().put("template", new JsonObject().put("kind", "capsule").put("metadata",
                        new JsonObject()).put("spec", new JsonObject().put("containers",
                        List.of(new JsonObject().put("command", List.of("sh")))))),
                new JsonObject().put("template", new JsonObject().put("kind", "capsule").put("metadata",
                        new JsonObject()).put("spec", new JsonObject().put("containers", List.of(container))
                        .put("volumes", List.of(new JsonObject().put("name", "data").put("cinder",
                                new JsonObject().put("size", 1))))).encode()));
        for (JsonObject body : bad) {
            ZunHttp.Response r = new ZunHttp(base, token, "1.40").post("/v1/capsules", body.encode());
            assertEquals(400, r.status(), body.encode() + " -> " + r.body());
            JsonObject error = new JsonObject(r.body()).getJsonArray("errors").getJsonObject(0);
            assertEquals(400, error.getInteger("status"), r.body());
            assertTrue(!error.getString("detail").isBlank(), r.body());
        }
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    private static JsonObject describe(Map<String, String> env, String capsule) {
        ZunCliIT.Cli r = ZunCliIT.zun(env, "--debug", "capsule-describe", capsule);
        return lastJsonBody(r.out());
    }

    private static JsonObject awaitStatus(String capsule, String status) {
        return Poll.until(WAIT, () -> show(capsule), c -> status.equals(c.getString("status")),
                capsule + " to be " + status);
    }

    /** The capsule as the API shows it to the admin. */
    private static JsonObject show(String capsule) {
        ZunHttp.Response r = new ZunHttp("http://127.0.0.1:" + platform.apiPort(), platform.adminToken(), "1.40")
                .get("/v1/capsules/" + capsule);
        return r.status() == 200 ? new JsonObject(r.body()) : new JsonObject().put("status", "HTTP " + r.status());
    }

    private static JsonObject lastJsonBody(String debug) {
        int at = debug.lastIndexOf("RESP BODY: ");
        if (at < 0) {
            return new JsonObject();
        }
        String line = debug.substring(at + "RESP BODY: ".length()).split("\n")[0];
        return new JsonObject(line);
    }

    private static ZunCliIT.Cli docker(String... args) {
        return ZunCliIT.cli("docker", Map.of(), args);
    }
}
