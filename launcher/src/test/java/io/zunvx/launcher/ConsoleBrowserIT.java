package io.zunvx.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zunvx.compute.agent.CrashPoints;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web console in a real browser: runs {@code console-test/console.test.mjs} (Playwright driving Debian's
 * Chromium) against an all-in-one. It needs node, {@code /usr/bin/chromium} and {@code console-test/node_modules},
 * which {@code scripts/bootstrap.sh} installs; without them it fails. Screenshots go to {@code docs/console/}.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ConsoleBrowserIT {
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
        AllInOne aio = Platforms.start(data, CrashPoints.NONE, Map.of("ZUNVX_ADMIN_PASSWORD", password));
        try {
            Path log = data.resolve("console-test.log");
            ProcessBuilder pb = new ProcessBuilder("node", "console.test.mjs",
                    root.resolve("docs/console").toString())
                    .directory(root.resolve("console-test").toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            pb.environment().put("ZUNVX_URL", "http://127.0.0.1:" + aio.apiPort());
            pb.environment().put("ZUNVX_ADMIN_PASSWORD", password);
            Process node = pb.start();
            boolean finished = node.waitFor(8, TimeUnit.MINUTES);
            if (!finished) {
                node.destroyForcibly();
            }
            String output = Files.readString(log);
            System.out.println(output);
            assertTrue(finished, "the browser test did not finish:\n" + output);
            assertEquals(0, node.exitValue(), output);
            assertTrue(output.contains("console test passed"), output);
        } finally {
            Platforms.stop(aio);
        }
    }
}
