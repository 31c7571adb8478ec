package io.zunvx.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zunvx.compute.agent.CrashPoints;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web console in a real browser: runs {@code console-test/console.test.mjs} (Playwright driving Debian's
 * Chromium) against an all-in-one. It needs node, {@code /usr/bin/chromium} and {@code console-test/node_modules},
 * which {@code scripts/bootstrap.sh} installs; without them it fails. Screenshots go to {@code docs/console/}.
 *
 * <p>When the script prints {@code RESTART-API} this test stops the whole platform and starts it again on the same
 * data directory and ports, with {@link #SHORT_TOKEN_TTL} as the token lifetime from then on, and answers
 * {@code restarted} on the script's standard input: the console that stays open must resume its event stream, and a
 * login after the restart gets a token that expires while the script watches.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ConsoleBrowserIT {
    /** The token lifetime after the restart: long enough for a login and a few clicks, short enough to wait for. */
    static final String SHORT_TOKEN_TTL = "40s";

    @TempDir
    Path data;

    private static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("console-test").resolve("package.json"))) {
            dir = dir.getParent();
        }
        assertTrue(dir != null, "console-test above " + Path.of("").toAbsolutePath());
        return dir;
    }

    @Test
    void theConsoleWorksInABrowser() throws IOException, InterruptedException {
        Path root = root();
        assertTrue(Files.isDirectory(root.resolve("console-test/node_modules/playwright-core")),
                "console-test/node_modules is missing: run scripts/bootstrap.sh (npm ci in console-test)");
        String password = "console-admin-secret";
        int apiPort = Platforms.freePort();
        int proxyPort = Platforms.freePort();
        // The same ports and compute host across the restart: the open page keeps its origin.
        Map<String, String> env = Map.of("ZUNVX_ADMIN_PASSWORD", password,
                "ZUNVX_API_PORT", String.valueOf(apiPort),
                "ZUNVX_WSPROXY_PORT", String.valueOf(proxyPort),
                "ZUNVX_WSPROXY_BASE_URL", "ws://127.0.0.1:" + proxyPort + "/",
                "ZUNVX_COMPUTE_HOST", "console-" + UUID.randomUUID().toString().substring(0, 8));
        AllInOne aio = Platforms.start(data, CrashPoints.NONE, env);
        StringBuilder output = new StringBuilder();
        ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor();
        try {
            ProcessBuilder pb = new ProcessBuilder("node", "console.test.mjs",
                    root.resolve("docs/console").toString())
                    .directory(root.resolve("console-test").toFile())
                    .redirectErrorStream(true);
            pb.environment().put("ZUNVX_URL", "http://127.0.0.1:" + apiPort);
            pb.environment().put("ZUNVX_ADMIN_PASSWORD", password);
            pb.environment().put("ZUNVX_RESTART", "stdin");
            Process node = pb.start();
            // Reading the script's output blocks: the watchdog ends a script that hangs, which ends the output.
            watchdog.schedule(node::destroyForcibly, 8, TimeUnit.MINUTES);
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
                    OutputStream in = node.getOutputStream()) {
                for (String line; (line = out.readLine()) != null; ) {
                    System.out.println(line);
                    output.append(line).append('\n');
                    if (line.equals("RESTART-API")) {
                        aio.close();
                        Map<String, String> after = new HashMap<>(env);
                        after.put("ZUNVX_TOKEN_TTL", SHORT_TOKEN_TTL);
                        aio = Platforms.start(data, CrashPoints.NONE, after);
                        in.write("restarted\n".getBytes(StandardCharsets.UTF_8));
                        in.flush();
                    }
                }
            }
            boolean finished = node.waitFor(1, TimeUnit.MINUTES);
            assertTrue(finished, "the browser test did not finish:\n" + output);
            assertEquals(0, node.exitValue(), output.toString());
            assertTrue(output.toString().contains("console test passed"), output.toString());
        } finally {
            watchdog.shutdownNow();
            Platforms.stop(aio);
        }
    }
}
