package io.zunvx.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zunvx.compute.agent.ProjectImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The container actions driven by the real {@code zun} CLI (Debian's python3-zunclient 4.5.0) against the real
 * all-in-one, authenticating with a password through {@code /identity/v3}: exec, update, rename (1.13), restart,
 * pause, unpause, kill, rebuild, commit, stats and cp both ways. The client's own parsing of every answer is what is
 * checked here.
 */
class ActionsCliIT extends ActionsBaseIT {
    private static final String ZUN = "/usr/bin/zun";
    private static final Pattern PROPERTY = Pattern.compile("^\\|\\s*(\\S+)\\s*\\|\\s*(.*?)\\s*\\|\\s*$");

    static Map<String, String> env;

    @BeforeAll
    static void credentials() {
        assertTrue(Files.isExecutable(Path.of(ZUN)), "the zun CLI (Debian package python3-zunclient) is not "
                + "installed at " + ZUN + "; scripts/bootstrap.sh installs it");
        env = new HashMap<>();
        env.put("OS_AUTH_URL", "http://127.0.0.1:" + platform.apiPort() + "/identity/v3");
        env.put("OS_USERNAME", platform.platform().config().identity().adminUser());
        env.put("OS_PASSWORD", platform.platform().config().identity().adminPassword());
        env.put("OS_PROJECT_NAME", platform.platform().config().identity().adminProject());
        env.put("OS_USER_DOMAIN_NAME", "Default");
        env.put("OS_PROJECT_DOMAIN_NAME", "Default");
        env.put("OS_AUTH_TYPE", "password");
        env.put("OS_INTERFACE", "public");
    }

    private static String running() {
        String name = uniqueName("cli");
        zun("run", "--name", name, "--cpu", "0.1", "--memory", "32", "busybox", "sleep", "3600").assertOk();
        awaitStatus(uuidOf(name), "Running");
        return name;
    }

    @Test
    void execPrintsTheCommandsOutput() {
        String name = running();
        ZunCliIT.Cli ok = zun("exec", name, "echo", "hello", "from", "exec");
        ok.assertOk();
        assertTrue(ok.out().contains("hello from exec"), ok.out());

        // python-zunclient 4.5.0 drops the exit code do_exec returns (its main ignores it): it always exits 0
        ZunCliIT.Cli failing = zun("exec", name, "sh", "-c", "echo failing; exit 3");
        failing.assertOk();
        assertTrue(failing.out().contains("failing"), failing.out());
    }

    @Test
    void updateResizesAndRenamesAndRenameWorksAt113() {
        String name = running();
        String uuid = uuidOf(name);

        ZunCliIT.Cli update = zun("update", "--memory", "64", "--cpu", "0.2", name);
        update.assertOk();
        Map<String, String> shown = properties(update.out());
        assertEquals("64", shown.get("memory"));
        assertEquals("0.2", shown.get("cpu"));
        assertEquals(64L * 1024 * 1024, dockerContainer(uuid).getHostConfig().getMemory());

        String renamed = uniqueName("cli-renamed");
        zun("--zun-api-version", "1.13", "rename", name, renamed).assertOk();
        assertEquals(renamed, show(uuid).getString("name"));
        ZunCliIT.Cli refused = zun("rename", renamed, uniqueName("cli-again"));
        assertTrue(refused.exit() != 0 && refused.out().contains("HTTP 406"), refused.out());
        assertFalse(refused.out().contains("Traceback"), refused.out());
    }

    @Test
    void restartPauseUnpauseAndKill() {
        String name = running();
        String uuid = uuidOf(name);
        zun("restart", "-t", "0", name).assertOk();
        awaitStatus(uuid, "Running");
        zun("pause", name).assertOk();
        awaitStatus(uuid, "Paused");
        zun("unpause", name).assertOk();
        awaitStatus(uuid, "Running");
        zun("kill", "-s", "SIGKILL", name).assertOk();
        assertTrue(awaitStatus(uuid, "Stopped").getString("status_detail").startsWith("Exited(137)"));
    }

    @Test
    void rebuildAndCommit() {
        String name = running();
        String uuid = uuidOf(name);
        String before = dockerContainer(uuid).getId();

        zun("rebuild", "--image", "busybox:latest", uuid).assertOk();
        Poll.until(WAIT, () -> show(uuid), c -> "Running".equals(c.getString("status"))
                && c.getValue("task_state") == null && "busybox:latest".equals(c.getString("image")), "rebuilt");
        assertFalse(before.equals(dockerContainer(uuid).getId()));

        String repository = "zunvx-it/cli-" + UUID.randomUUID().toString().substring(0, 8);
        ZunCliIT.Cli commit = zun("commit", name, repository + ":v1");
        commit.assertOk();
        Matcher m = Pattern.compile("The image is ([0-9a-f-]{36})\\.").matcher(commit.out());
        assertTrue(m.find(), commit.out());
        String image = m.group(1);
        // committed under the project's own name only (docs/images.md)
        String committed = ProjectImages.scoped(platform.bootstrap().projectId(), repository + ":v1");
        try {
            String label = Poll.until(WAIT, () -> {
                try {
                    return docker.inspectImageCmd(committed).exec().getConfig().getLabels()
                            .get("zunvx.image.uuid");
                } catch (com.github.dockerjava.api.exception.NotFoundException e) {
                    return null;
                }
            }, l -> l != null, "the committed image");
            assertEquals(image, label);
        } finally {
            docker.removeImageCmd(committed).withForce(true).exec();
        }
    }

    @Test
    void statsPrintsZunsKeys() {
        String name = running();
        ZunCliIT.Cli stats = zun("stats", name);
        stats.assertOk();
        for (String key : STATS_KEYS) {
            assertTrue(stats.out().contains("| " + key + " "), key + " in " + stats.out());
        }
        assertEquals(name, properties(stats.out()).get("CONTAINER"), stats.out());
    }

    @Test
    void cpCopiesIntoAndOutOfTheContainer() throws IOException {
        String name = running();
        Path dir = Files.createTempDirectory("zunvx-cp");
        try {
            Path local = dir.resolve("greeting.txt");
            Files.writeString(local, "copied by zun cp\n");
            zun("cp", local.toString(), name + ":/tmp").assertOk();
            assertEquals("copied by zun cp\n", api.post("/v1/containers/" + uuidOf(name)
                    + "/execute?command=cat+/tmp/greeting.txt", null).json().getString("output"));

            Path out = Files.createDirectory(dir.resolve("out"));
            zun("cp", name + ":/tmp/greeting.txt", out.toString()).assertOk();
            assertEquals("copied by zun cp\n", Files.readString(out.resolve("greeting.txt")));
        } finally {
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    private static String uuidOf(String name) {
        return Poll.until(WAIT, () -> api.get("/v1/containers/" + name), r -> r.status() == 200, name).json()
                .getString("uuid");
    }

    /** A property table the CLI printed, as a map. */
    private static Map<String, String> properties(String out) {
        Map<String, String> props = new HashMap<>();
        for (String line : out.split("\n")) {
            Matcher m = PROPERTY.matcher(line);
            if (m.matches() && !"Property".equals(m.group(1))) {
                props.put(m.group(1), m.group(2));
            }
        }
        return props;
    }

    private static ZunCliIT.Cli zun(String... args) {
        return ZunCliIT.zun(env, args);
    }
}
