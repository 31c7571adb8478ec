package io.zunvx.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zunvx.compute.agent.CrashPoints;
import io.zunvx.compute.docker.DockerVolumeDriver;
import io.zunvx.model.Volume;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Volumes through the real clients: {@code openstack volume create|list|show|set|delete} (python3-openstackclient,
 * unmodified) against the Cinder subset, and the three mount forms of {@code zun run --mount}: an existing volume
 * whose data outlives its containers, a sized volume that goes with its container, and a file injected from a local
 * file ({@code type=bind}).
 */
class VolumesCliIT {
    private static final String OPENSTACK = "/usr/bin/openstack";
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    static Path data;
    @TempDir
    static Path files;

    private static final String CINDER = "/usr/bin/cinder";

    static AllInOne platform;
    static Map<String, String> admin;
    static String host;
    static DockerVolumeDriver volumes;

    @BeforeAll
    static void start() {
        assertTrue(Files.isExecutable(Path.of(OPENSTACK)), "the openstack CLI is missing: run scripts/bootstrap.sh");
        platform = Platforms.start(data, CrashPoints.NONE, Map.of());
        admin = ZunCliIT.credentials(platform, "admin", IdentityIT.ADMIN_PASSWORD, "admin");
        host = platform.platform().config().compute().hostName();
        volumes = DockerVolumeDriver.open(platform.platform().config().compute().dockerHost(),
                data.resolve("volumes").toAbsolutePath());
    }

    @AfterAll
    static void stop() {
        Platforms.stop(platform);
        if (volumes != null) {
            volumes.list(host).forEach(volumes::remove);
            volumes.close();
        }
    }

    private static ZunCliIT.Cli zun(String... args) {
        return ZunCliIT.zun(admin, args);
    }

    private static ZunCliIT.Cli openstack(String... args) {
        return ZunCliIT.cli(OPENSTACK, admin, args);
    }

    /** {@code openstack volume show} as JSON; {@code status} is {@code gone} when the show failed. */
    private static JsonObject show(String volume) {
        ZunCliIT.Cli r = openstack("volume", "show", volume, "-f", "json");
        if (r.exit() != 0) {
            return new JsonObject().put("status", "gone").put("error", r.out());
        }
        return new JsonObject(r.out().substring(r.out().indexOf('{')));
    }

    private static JsonObject awaitVolume(String volume, String status) {
        return Poll.until(WAIT, () -> show(volume), v -> status.equals(v.getString("status")),
                volume + " to be " + status);
    }

    private static String logs(String container) {
        ZunCliIT.Cli r = zun("logs", container);
        r.assertOk();
        return r.out();
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES) // some twenty CLI calls, each seconds long on a busy machine
    void aVolumeMadeWithOpenstackKeepsItsDataAcrossContainersAndCannotBeDeletedWhileMounted() {
        String name = "vol-" + ZunCliIT.suffix();
        // GIVEN a 1 GiB volume made with the openstack CLI
        ZunCliIT.Cli created = openstack("volume", "create", "--size", "1", name);
        created.assertOk();
        JsonObject made = awaitVolume(name, "available");
        String id = made.getString("id");
        assertTrue(openstack("volume", "list").out().contains(name));
        assertEquals(1, made.getInteger("size"));
        assertTrue(made.encode().contains("zunvx:size_enforced"), made.encode());

        // WHEN a container writes into it through zun run --mount source=...
        String writer = "vol-writer-" + ZunCliIT.suffix();
        zun("run", "--name", writer, "--mount", "source=" + name + ",destination=/data", "busybox",
                "sh", "-c", "echo kept-across-containers > /data/note; cat /data/note").assertOk();
        ZunCliIT.awaitStatus(admin, writer, "Stopped");
        assertTrue(logs(writer).contains("kept-across-containers"));

        // THEN the volume is in use, its attachment names the container, and it cannot be deleted
        JsonObject used = show(name);
        assertEquals("in-use", used.getString("status"));
        String writerUuid = ZunCliIT.show(admin, writer).get("uuid");
        assertTrue(used.getValue("attachments").toString().contains(writerUuid), used.encode());
        ZunCliIT.Cli refused = openstack("volume", "delete", name);
        assertNotEquals(0, refused.exit(), refused.out());
        assertEquals("in-use", show(name).getString("status"));

        // WHEN the container is deleted, a second container mounting the volume reads what the first wrote
        zun("delete", writer).assertOk();
        ZunCliIT.awaitGone(admin, writerUuid);
        awaitVolume(name, "available");
        String reader = "vol-reader-" + ZunCliIT.suffix();
        zun("run", "--name", reader, "--mount", "source=" + id + ",destination=/data", "busybox",
                "cat", "/data/note").assertOk();
        ZunCliIT.awaitStatus(admin, reader, "Stopped");
        assertTrue(logs(reader).contains("kept-across-containers"));
        zun("delete", reader).assertOk();
        awaitVolume(name, "available");

        // AND it can be renamed, then deleted, which removes its storage on the host
        String renamed = name + "-renamed";
        openstack("volume", "set", "--name", renamed, name).assertOk();
        assertEquals(renamed, show(id).getString("name"));
        openstack("volume", "delete", renamed).assertOk();
        awaitVolume(id, "gone");
        Poll.until(WAIT, () -> volumes.list(host), l -> !l.contains(UUID.fromString(id)), "its storage to go");
    }

    @Test
    void aSizedMountMakesAVolumeThatGoesWithItsContainer() {
        String name = "vol-sized-" + ZunCliIT.suffix();
        // WHEN a container asks for a new 1 GiB volume
        zun("run", "--name", name, "--mount", "size=1,destination=/data", "busybox",
                "sh", "-c", "df -k /data | tail -1; echo ok > /data/x && echo written").assertOk();
        Map<String, String> done = ZunCliIT.awaitStatus(admin, name, "Stopped");
        String uuid = done.get("uuid");
        String out = logs(name);
        assertTrue(out.contains("written"), out);

        // THEN a volume attached to it exists, with the size enforced where the host can
        String list = openstack("volume", "list", "--long").out();
        assertTrue(list.contains(uuid), list);
        UUID volume = platform.platform().pool().query(
                        "SELECT volume_uuid FROM volume_attachments WHERE container_uuid = '" + uuid + "'")
                .execute().await().iterator().next().getUUID("volume_uuid");
        assertTrue(volumes.list(host).contains(volume));
        if (volumes.enforcesSize()) {
            long kib = Long.parseLong(out.strip().split("\n")[0].trim().split("\\s+")[1]);
            assertTrue(kib > 900_000 && kib <= 1_048_576, out);
        }

        // WHEN the container is deleted THEN its volume and the volume's storage go too
        zun("delete", name).assertOk();
        ZunCliIT.awaitGone(admin, uuid);
        awaitVolume(volume.toString(), "gone");
        Poll.until(WAIT, () -> volumes.list(host), l -> !l.contains(volume), "its storage to go");
    }

    @Test
    void aBindMountInjectsALocalFile() throws Exception {
        Path conf = files.resolve("app.conf");
        Files.writeString(conf, "greeting = injected\n", StandardCharsets.UTF_8);
        String name = "vol-bind-" + ZunCliIT.suffix();
        zun("run", "--name", name, "--mount", "type=bind,source=" + conf + ",destination=/etc/app/app.conf",
                "busybox", "cat", "/etc/app/app.conf").assertOk();
        ZunCliIT.awaitStatus(admin, name, "Stopped");
        assertTrue(logs(name).contains("greeting = injected"), logs(name));
        zun("delete", name).assertOk();
    }

    @Test
    void badMountsAreRefusedAndLeaveNothingBehind() {
        String name = "vol-bad-" + ZunCliIT.suffix();
        for (String[] mount : new String[][] {
                {"source=no-such-volume-" + ZunCliIT.suffix() + ",destination=/data", "could not be found"},
                {"size=0,destination=/data", "Invalid volume size"},
                {"size=1.5,destination=/data", "Invalid volume size"},
                {"size=-1,destination=/data", "Invalid volume size"},
                {"size=1,destination=data", "not an absolute path"},
                {"size=1,destination=/", "cannot be mounted at /"}}) {
            ZunCliIT.Cli r = zun("run", "--name", name, "--mount", mount[0], "busybox", "true");
            assertNotEquals(0, r.exit(), r.out());
            assertTrue(r.out().contains(mount[1]), mount[0] + ": " + r.out());
            assertFalse(r.out().contains("Traceback"), r.out());
        }
        ZunCliIT.Cli twice = zun("run", "--name", name, "--mount", "size=1,destination=/data", "--mount",
                "size=1,destination=/data/", "busybox", "true");
        assertTrue(twice.out().contains("Duplicate mount destination"), twice.out());
        assertFalse(zun("list").out().contains(name), "no container was made");
        ZunCliIT.Cli zero = openstack("volume", "create", "--size", "0", name);
        assertNotEquals(0, zero.exit(), zero.out());
        assertFalse(openstack("volume", "list").out().contains(name), "no volume was made");
        assertEquals(0, platform.platform().pool().query("SELECT count(*) AS n FROM volumes WHERE name = '"
                + name + "' OR auto_remove AND host IS NULL").execute().await().iterator().next().getLong("n"));
    }

    @Test
    void theCinderCliSetsAProjectsVolumeQuotasAndCreatesOverThemAreRefused() {
        // GIVEN a project with one member, whose volume quotas an admin sets with the real cinder CLI
        IdentityIT.Keystone keystone = new IdentityIT.Keystone("http://127.0.0.1:" + platform.apiPort());
        String adminToken = keystone.login("admin", IdentityIT.ADMIN_PASSWORD, "admin");
        String s = ZunCliIT.suffix();
        JsonObject project = keystone.createProject(adminToken, "vq-" + s);
        String password = "pw-" + s;
        JsonObject user = keystone.createUser(adminToken, "vq-user-" + s, password, project.getString("id"));
        keystone.grant(adminToken, project.getString("id"), user.getString("id"), "member");
        Map<String, String> member = ZunCliIT.credentials(platform, user.getString("name"), password,
                project.getString("name"));
        ZunCliIT.cli(CINDER, admin, "quota-update", "--volumes", "1", "--gigabytes", "3", project.getString("id"))
                .assertOk();
        String shown = ZunCliIT.cli(CINDER, admin, "quota-show", project.getString("id")).out();
        assertTrue(shown.matches("(?s).*\\|\\s*volumes\\s*\\|\\s*1\\s*\\|.*")
                && shown.matches("(?s).*\\|\\s*gigabytes\\s*\\|\\s*3\\s*\\|.*"), shown);

        // WHEN the member asks for more gigabytes than allowed THEN refused, and nothing is made
        ZunCliIT.Cli big = ZunCliIT.cli(OPENSTACK, member, "volume", "create", "--size", "4", "big-" + s);
        assertNotEquals(0, big.exit(), big.out());
        assertTrue(big.out().contains("exceeds allowed gigabytes quota"), big.out());

        // WHEN the member makes one volume, then a second THEN the second is refused
        ZunCliIT.cli(OPENSTACK, member, "volume", "create", "--size", "1", "one-" + s).assertOk();
        ZunCliIT.Cli second = ZunCliIT.cli(OPENSTACK, member, "volume", "create", "--size", "1", "two-" + s);
        assertNotEquals(0, second.exit(), second.out());
        assertTrue(second.out().contains("exceeded"), second.out());
        String listed = ZunCliIT.cli(OPENSTACK, member, "volume", "list", "-f", "value", "-c", "Name").out();
        assertEquals("one-" + s, listed.strip(), listed);
        Poll.until(WAIT, () -> ZunCliIT.cli(OPENSTACK, member, "volume", "delete", "one-" + s).exit(), x -> x == 0,
                "the volume to be deletable");
    }

    @Test
    void catalogNamesTheVolumeServiceUnderBothTypes() {
        ZunCliIT.Cli catalog = openstack("catalog", "list");
        catalog.assertOk();
        assertTrue(catalog.out().contains("volumev3") && catalog.out().contains("block-storage"), catalog.out());
        assertTrue(catalog.out().contains("/volume/v3/"), catalog.out());
        assertFalse(Volume.HOST_HINT.isEmpty());
    }
}
