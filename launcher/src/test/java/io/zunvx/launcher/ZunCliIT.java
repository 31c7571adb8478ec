package io.zunvx.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import io.zunvx.compute.agent.CrashPoints;
import io.zunvx.compute.docker.DockerContainerDriver;
import io.zunvx.compute.driver.Observed;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code zun} CLI (Debian's python3-zunclient 4.5.0) against the real all-in-one, authenticating with a
 * password through {@code /identity/v3} exactly as it would against Keystone: run, list, show, logs, exec, stop,
 * start, delete, with and without {@code --bypass-url}, and a second project's user who sees nothing of the first's.
 */
class ZunCliIT {
    private static final String ZUN = "/usr/bin/zun";
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Pattern PROPERTY = Pattern.compile("^\\|\\s*(\\S+)\\s*\\|\\s*(.*?)\\s*\\|\\s*$");

    @TempDir
    static Path data;

    static AllInOne platform;
    static IdentityIT.Keystone keystone;
    static Map<String, String> admin;

    @BeforeAll
    static void start() {
        assertTrue(Files.isExecutable(Path.of(ZUN)), "the zun CLI (Debian package python3-zunclient) is not "
                + "installed at " + ZUN + "; scripts/bootstrap.sh installs it");
        platform = Platforms.start(data, CrashPoints.NONE, Map.of());
        keystone = new IdentityIT.Keystone("http://127.0.0.1:" + platform.apiPort());
        admin = credentials("admin", IdentityIT.ADMIN_PASSWORD, "admin");
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            String host = platform.platform().config().compute().hostName();
            platform.close();
            try (DockerContainerDriver docker = new DockerContainerDriver(
                    platform.platform().config().compute().dockerHost())) {
                for (Observed o : docker.listManaged(host)) {
                    docker.remove(o.id(), true);
                }
            }
        }
    }

    @Test
    void runListShowLogsAndDeleteAnEchoContainer() {
        String name = "cli-echo-" + suffix();

        // WHEN the CLI runs busybox echo hello
        Cli run = zun(admin, "run", "--name", name, "--cpu", "0.1", "--memory", "32", "busybox", "echo", "hello");

        // THEN it prints the new container, which runs to Stopped
        run.assertOk();
        assertTrue(run.out().contains(name), run.out());
        Map<String, String> shown = awaitStatus(admin, name, "Stopped");
        assertEquals("busybox", shown.get("image"));
        assertEquals("0.1", shown.get("cpu"));
        assertEquals("32", shown.get("memory"));
        assertEquals(platform.bootstrap().projectId(), shown.get("project_id"));
        String uuid = shown.get("uuid");

        // AND list shows it, and logs hold the line it printed
        Cli list = zun(admin, "list");
        list.assertOk();
        assertTrue(list.out().contains(uuid) && list.out().contains(name), list.out());
        Cli logs = zun(admin, "logs", name);
        logs.assertOk();
        assertTrue(logs.out().contains("hello"), logs.out());

        // WHEN it is deleted
        Cli delete = zun(admin, "delete", name);

        // THEN the CLI reports the request accepted and the container disappears from the list
        delete.assertOk();
        assertTrue(delete.out().contains("Request to delete container " + name + " has been accepted"), delete.out());
        awaitGone(admin, uuid);
    }

    @Test
    void stopAndStartALongRunningContainer() {
        // GIVEN a running container
        String name = "cli-sleep-" + suffix();
        zun(admin, "run", "--name", name, "--cpu", "0.1", "--memory", "32", "busybox", "sleep", "600").assertOk();
        String uuid = awaitStatus(admin, name, "Running").get("uuid");

        // WHEN the CLI stops it
        Cli stop = zun(admin, "stop", "--timeout", "1", name);

        // THEN it stops
        stop.assertOk();
        assertTrue(stop.out().contains("Request to stop container " + name + " has been accepted"), stop.out());
        awaitStatus(admin, name, "Stopped");

        // WHEN the CLI starts it again
        Cli start = zun(admin, "start", name);

        // THEN it runs again
        start.assertOk();
        assertTrue(start.out().contains("Request to start container " + name + " has been accepted"), start.out());
        awaitStatus(admin, name, "Running");

        // AND delete --stop removes it while running
        Cli delete = zun(admin, "delete", "--stop", name);
        delete.assertOk();
        assertTrue(delete.out().contains("has been accepted"), delete.out());
        awaitGone(admin, uuid);
    }

    @Test
    void execRunsACommandInsideARunningContainer() {
        // GIVEN a running container
        String name = "cli-exec-" + suffix();
        zun(admin, "run", "--name", name, "--cpu", "0.1", "--memory", "32", "busybox", "sleep", "600").assertOk();
        String uuid = awaitStatus(admin, name, "Running").get("uuid");
        try {
            // WHEN the CLI executes a command in it
            Cli exec = zun(admin, "exec", name, "echo", "hi-from-exec");

            // THEN it prints the command's output (a missing or refused route fails here)
            exec.assertOk();
            assertTrue(exec.out().contains("hi-from-exec"), exec.out());
        } finally {
            zun(admin, "delete", "--stop", name).assertOk();
            awaitGone(admin, uuid);
        }
    }

    @Test
    void bypassUrlAndAnUnversionedAuthUrlReachTheSameApi() {
        // GIVEN the CLI told to skip the catalog, and to discover the identity version from the unversioned root
        String api = "http://127.0.0.1:" + platform.apiPort() + "/v1";
        Map<String, String> unversioned = new HashMap<>(admin);
        unversioned.put("OS_AUTH_URL", "http://127.0.0.1:" + platform.apiPort() + "/identity");
        String name = "cli-bypass-" + suffix();

        // WHEN a container is run, shown, listed and read through --bypass-url
        zun(admin, "--bypass-url", api, "run", "--name", name, "--cpu", "0.1", "--memory", "32", "busybox", "echo",
                "bypassed").assertOk();
        String uuid = Poll.until(WAIT, () -> show(admin, name, "--bypass-url", api),
                s -> "Stopped".equals(s.get("status")), name + " to stop").get("uuid");
        Cli list = zun(admin, "--bypass-url", api, "list");
        Cli logs = zun(admin, "--bypass-url", api, "logs", name);
        Cli viaRoot = zun(unversioned, "list");

        // THEN each works as through the catalog
        list.assertOk();
        assertTrue(list.out().contains(uuid), list.out());
        logs.assertOk();
        assertTrue(logs.out().contains("bypassed"), logs.out());
        viaRoot.assertOk();
        assertTrue(viaRoot.out().contains(uuid), viaRoot.out());

        zun(admin, "--bypass-url", api, "delete", name).assertOk();
        awaitGone(admin, uuid);
    }

    @Test
    void anotherProjectsUserSeesNothingOfTheFirstProject() {
        // GIVEN a container of the admin's project
        String mine = "cli-private-" + suffix();
        zun(admin, "run", "--name", mine, "--cpu", "0.1", "--memory", "32", "busybox", "echo", "private").assertOk();
        String mineUuid = awaitStatus(admin, mine, "Stopped").get("uuid");

        // AND a second project with its own member, made through the identity admin API
        String adminToken = keystone.login("admin", IdentityIT.ADMIN_PASSWORD, "admin");
        String projectName = "cli-other-" + suffix();
        JsonObject project = keystone.createProject(adminToken, projectName);
        String password = "pw-" + UUID.randomUUID();
        JsonObject user = keystone.createUser(adminToken, "cli-other-user-" + suffix(), password,
                project.getString("id"));
        keystone.grant(adminToken, project.getString("id"), user.getString("id"), "member");
        Map<String, String> other = credentials(user.getString("name"), password, projectName);

        // WHEN that user lists, shows, reads the logs of and deletes the admin's container
        Cli list = zun(other, "list");
        Cli show = zun(other, "show", mineUuid);
        Cli logs = zun(other, "logs", mineUuid);
        Cli delete = zun(other, "delete", mineUuid);

        // THEN the list is empty and the container does not exist for it
        list.assertOk();
        assertFalse(list.out().contains(mineUuid), list.out());
        assertEquals(List.of(), rows(list.out()), list.out());
        assertNotEquals(0, show.exit(), show.out());
        assertTrue(show.out().contains("could not be found") && show.out().contains("404"), show.out());
        assertTrue(logs.out().contains("could not be found"), logs.out());
        assertTrue(delete.out().contains("could not be found"), delete.out());
        assertEquals("Stopped", show(admin, mineUuid).get("status"), "still there for its owner");

        // WHEN the user runs a container of its own
        String theirs = "cli-theirs-" + suffix();
        zun(other, "run", "--name", theirs, "--cpu", "0.1", "--memory", "32", "busybox", "echo", "theirs")
                .assertOk();
        Map<String, String> theirShow = awaitStatus(other, theirs, "Stopped");

        // THEN it belongs to the second project; the admin sees it only across all projects
        assertEquals(project.getString("id"), theirShow.get("project_id"));
        assertEquals(user.getString("id"), theirShow.get("user_id"));
        assertTrue(zun(other, "list").out().contains(theirShow.get("uuid")));
        assertFalse(zun(admin, "list").out().contains(theirShow.get("uuid")));
        Cli all = zun(admin, "list", "--all-projects");
        all.assertOk();
        assertTrue(all.out().contains(theirShow.get("uuid")) && all.out().contains(mineUuid), all.out());

        zun(other, "delete", theirs).assertOk();
        zun(admin, "delete", mine).assertOk();
        awaitGone(admin, mineUuid);
    }

    @Test
    void quotasAreReadByMembersAndChangedByAdminsThroughTheCli() {
        // GIVEN a project with a member
        String adminToken = keystone.login("admin", IdentityIT.ADMIN_PASSWORD, "admin");
        String projectName = "cli-quota-" + suffix();
        JsonObject project = keystone.createProject(adminToken, projectName);
        String projectId = project.getString("id");
        String password = "pw-" + UUID.randomUUID();
        JsonObject user = keystone.createUser(adminToken, "cli-quota-user-" + suffix(), password, projectId);
        keystone.grant(adminToken, projectId, user.getString("id"), "member");
        Map<String, String> member = credentials(user.getString("name"), password, projectName);

        // WHEN the admin limits it to one container
        Cli update = zun(admin, "quota-update", "--containers", "1", "--cpu", "4", projectId);
        update.assertOk();
        assertTrue(update.out().contains("containers") && update.out().contains("| 1 "), update.out());

        // THEN the member sees the limit and its usage, cannot raise it, and a second container is refused
        Cli get = zun(member, "quota-get", projectId);
        get.assertOk();
        assertTrue(get.out().matches("(?s).*containers\\s*\\|\\s*1\\s*\\|.*"), get.out());
        Cli raise = zun(member, "quota-update", "--containers", "99", projectId);
        assertNotEquals(0, raise.exit(), raise.out());
        assertTrue(raise.out().contains("Policy doesn't allow quota:update to be performed."), raise.out());
        String first = "cli-quota-a-" + suffix();
        zun(member, "create", "--name", first, "--cpu", "0.1", "--memory", "32", "busybox").assertOk();
        Cli second = zun(member, "create", "--name", "cli-quota-b-" + suffix(), "--cpu", "0.1", "--memory", "32",
                "busybox");
        assertNotEquals(0, second.exit(), second.out());
        assertTrue(second.out().contains("Quota exceeded for resources: ['containers']"), second.out());
        Cli usages = zun(member, "quota-get", "--usages", projectId);
        usages.assertOk();
        assertTrue(usages.out().contains("in_use"), usages.out());
        awaitStatus(member, first, "Created");
        zun(member, "delete", first).assertOk();
    }

    @Test
    void aWrongPasswordIsACleanCliError() {
        Map<String, String> wrong = new HashMap<>(admin);
        wrong.put("OS_PASSWORD", "not-the-password");
        Cli list = zun(wrong, "list");
        assertNotEquals(0, list.exit(), list.out());
        assertTrue(list.out().startsWith("ERROR"), list.out());
        assertFalse(list.out().contains("Traceback"), list.out());
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    /** The environment a user would source: password authentication against this all-in-one's identity API. */
    static Map<String, String> credentials(String user, String password, String project) {
        return credentials(platform, user, password, project);
    }

    /** As {@link #credentials(String, String, String)}, against the identity API of {@code on}. */
    static Map<String, String> credentials(AllInOne on, String user, String password, String project) {
        Map<String, String> env = new HashMap<>();
        env.put("OS_AUTH_URL", "http://127.0.0.1:" + on.apiPort() + "/identity/v3");
        env.put("OS_USERNAME", user);
        env.put("OS_PASSWORD", password);
        env.put("OS_PROJECT_NAME", project);
        env.put("OS_USER_DOMAIN_NAME", "Default");
        env.put("OS_PROJECT_DOMAIN_NAME", "Default");
        env.put("OS_AUTH_TYPE", "password");
        env.put("OS_INTERFACE", "public");
        return env;
    }

    /** One CLI call: exit code and stdout with stderr. */
    record Cli(int exit, String out) {
        void assertOk() {
            assertEquals(0, exit, out);
            assertFalse(out.contains("Traceback"), out);
            assertFalse(out.startsWith("ERROR"), out);
        }
    }

    static Cli zun(Map<String, String> env, String... args) {
        return cli(ZUN, env, args);
    }

    /** One call of an OpenStack CLI ({@code zun}, {@code openstack}) with only the given {@code OS_*} settings. */
    static Cli cli(String program, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>();
        command.add(program);
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> e = pb.environment();
        // Nothing from the caller's cloud settings or proxies may leak in.
        e.keySet().removeIf(k -> k.startsWith("OS_") || k.toLowerCase(Locale.ROOT).contains("proxy"));
        e.putAll(env);
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            byte[][] out = new byte[1][];
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    out[0] = p.getInputStream().readAllBytes();
                } catch (IOException ex) {
                    out[0] = ("(output unreadable: " + ex + ")").getBytes(StandardCharsets.UTF_8);
                }
            });
            if (!p.waitFor(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(program + " " + String.join(" ", args) + " did not finish in "
                        + CALL_TIMEOUT);
            }
            reader.join(Duration.ofSeconds(10));
            return new Cli(p.exitValue(), out[0] == null ? "" : new String(out[0], StandardCharsets.UTF_8));
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    /** {@code zun show}'s property table as a map (empty if the call failed). */
    static Map<String, String> show(Map<String, String> env, String container, String... options) {
        List<String> args = new ArrayList<>(List.of(options));
        args.add("show");
        args.add(container);
        Cli r = zun(env, args.toArray(String[]::new));
        Map<String, String> props = new HashMap<>();
        if (r.exit() != 0) {
            return props;
        }
        for (String line : r.out().split("\n")) {
            Matcher m = PROPERTY.matcher(line);
            if (m.matches() && !"Property".equals(m.group(1))) {
                props.put(m.group(1), m.group(2));
            }
        }
        return props;
    }

    static Map<String, String> awaitStatus(Map<String, String> env, String container, String status) {
        return Poll.until(WAIT, () -> show(env, container), s -> status.equals(s.get("status"))
                && "None".equals(s.get("task_state")), container + " to be " + status);
    }

    static void awaitGone(Map<String, String> env, String uuid) {
        Poll.until(WAIT, () -> zun(env, "list"), r -> r.exit() == 0 && !r.out().contains(uuid),
                uuid + " to leave the list");
    }

    /** The data rows of a table the CLI printed. */
    static List<String> rows(String table) {
        List<String> out = new ArrayList<>();
        String[] lines = table.split("\n");
        boolean header = true;
        for (String line : lines) {
            if (line.startsWith("+")) {
                continue;
            }
            if (line.startsWith("|")) {
                if (header) {
                    header = false;
                } else {
                    out.add(line);
                }
            }
        }
        return out;
    }

    static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
