package io.zunvx.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code zun} CLI at a terminal: {@code zun run -i} and {@code zun exec --interactive} run in a tmux pane (a
 * real pseudo-terminal, so the CLI puts it in raw mode, resizes through REST and streams keystrokes through the
 * WebSocket proxy), typed into with {@code send-keys} and read back with {@code capture-pane}.
 */
class ZunInteractiveIT {
    private static final String ZUN = "/usr/bin/zun";
    private static final String TMUX = "/usr/bin/tmux";
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    static Path data;

    static AllInOne platform;
    static ZunHttp api;
    static Map<String, String> admin;
    /** A tmux server of this class's own, on its own socket. */
    static final String SOCKET = "zunvx-it-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void start() {
        assertTrue(Files.isExecutable(Path.of(ZUN)), "the zun CLI (Debian package python3-zunclient) is not "
                + "installed at " + ZUN + "; scripts/bootstrap.sh installs it");
        assertTrue(Files.isExecutable(Path.of(TMUX)), "tmux is not installed at " + TMUX
                + "; scripts/bootstrap.sh installs it");
        platform = Platforms.start(data, CrashPoints.NONE, Map.of());
        api = new ZunHttp("http://127.0.0.1:" + platform.apiPort(), platform.adminToken(), "1.40");
        admin = Map.of(
                "OS_AUTH_URL", "http://127.0.0.1:" + platform.apiPort() + "/identity/v3",
                "OS_USERNAME", "admin",
                "OS_PASSWORD", IdentityIT.ADMIN_PASSWORD,
                "OS_PROJECT_NAME", "admin",
                "OS_USER_DOMAIN_NAME", "Default",
                "OS_PROJECT_DOMAIN_NAME", "Default",
                "OS_AUTH_TYPE", "password",
                "OS_INTERFACE", "public");
    }

    @AfterEach
    void closeTerminals() {
        tmux("kill-server");
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
    void runInteractiveAnswersAtTheTerminal() {
        String name = "cli-i-" + UUID.randomUUID().toString().substring(0, 8);

        // WHEN `zun run -i` starts a shell at a terminal and a line is typed into it
        String pane = terminal(ZUN + " run -i --name " + name + " --cpu 0.1 --memory 32 busybox sh");
        awaitScreen(pane, "/ #");
        keys(pane, "echo $((6*7))", "Enter");

        // THEN the shell's answer shows on the terminal
        awaitScreen(pane, "\n42");

        // WHEN the shell exits THEN the CLI ends cleanly and the container stops
        keys(pane, "exit", "Enter");
        awaitScreen(pane, "ZUN-EXIT=0");
        awaitStatus(name, "Stopped");
    }

    @Test
    void execInteractiveAnswersAtTheTerminal() {
        // GIVEN a running container
        String name = "cli-x-" + UUID.randomUUID().toString().substring(0, 8);
        ZunHttp.Response r = api.post("/v1/containers?run=true", "{\"image\": \"busybox\", \"cpu\": 0.1, "
                + "\"memory\": 32, \"name\": \"" + name + "\", \"command\": [\"sleep\", \"3600\"]}");
        assertEquals(202, r.status(), r.body());
        awaitStatus(name, "Running");

        // WHEN `zun exec --interactive` runs a shell in it at a terminal and a line is typed into it
        String pane = terminal(ZUN + " exec --interactive " + name + " sh");
        awaitScreen(pane, "/ #");
        keys(pane, "echo $((6*7))", "Enter");

        // THEN the answer shows, and exiting the shell ends the CLI cleanly while the container runs on
        awaitScreen(pane, "\n42");
        keys(pane, "exit", "Enter");
        awaitScreen(pane, "ZUN-EXIT=0");
        assertEquals("Running", show(name).getString("status"));
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    /** Starts {@code command} in a new 120x40 tmux pane with the admin's OS_* settings; it prints its exit code. */
    static String terminal(String command) {
        String session = "s" + UUID.randomUUID().toString().substring(0, 8);
        Result r = tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "40",
                "sh -c '" + command + "; echo ZUN-EXIT=$?; sleep 600'");
        assertEquals(0, r.exit, r.out);
        return session;
    }

    static void keys(String pane, String... keys) {
        List<String> args = new ArrayList<>(List.of("send-keys", "-t", pane));
        args.addAll(List.of(keys));
        Result r = tmux(args.toArray(String[]::new));
        assertEquals(0, r.exit, r.out);
    }

    static String awaitScreen(String pane, String text) {
        return Poll.until(WAIT, () -> tmux("capture-pane", "-p", "-J", "-t", pane).out,
                screen -> screen.contains(text), "'" + text.replace("\n", "\\n") + "' on the terminal");
    }

    record Result(int exit, String out) {
    }

    static Result tmux(String... args) {
        List<String> command = new ArrayList<>(List.of(TMUX, "-L", SOCKET));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("OS_") || k.startsWith("TMUX")
                || k.toLowerCase(Locale.ROOT).contains("proxy"));
        env.putAll(admin == null ? Map.of() : admin);
        env.put("TERM", "xterm");
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("tmux " + String.join(" ", args) + " did not finish");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonObject show(String name) {
        ZunHttp.Response r = api.get("/v1/containers/" + name);
        assertEquals(200, r.status(), r.body());
        return r.json();
    }

    static void awaitStatus(String name, String status) {
        JsonObject c = Poll.until(WAIT, () -> show(name),
                s -> status.equals(s.getString("status")) && s.getValue("task_state") == null,
                name + " to be " + status);
        assertTrue(c.getString("uuid") != null);
    }
}
