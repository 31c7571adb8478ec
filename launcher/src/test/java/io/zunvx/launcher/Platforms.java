package io.zunvx.launcher;

import io.zunvx.compute.agent.CrashPoints;
import io.zunvx.platform.config.ZunvxConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** Starts a real all-in-one for a test class: its own data directory, free ports and compute host name. */
final class Platforms {
    /** How long a command run through {@code execute} may take on a test platform. */
    static final String EXECUTE_TIMEOUT = "60s";

    private Platforms() {
    }

    /**
     * Starts the platform on free ports. A port found free can be taken by another process before it is bound (other
     * builds share the machine), so a start that fails to bind is tried again on fresh ports.
     */
    static AllInOne start(Path dataDir, CrashPoints crashPoints, Map<String, String> extra) {
        for (int attempt = 1; ; attempt++) {
            try {
                return startOnce(dataDir, crashPoints, extra);
            } catch (RuntimeException e) {
                if (attempt >= 3 || !causedByBind(e)) {
                    throw e;
                }
            }
        }
    }

    private static boolean causedByBind(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof java.net.BindException) {
                return true;
            }
        }
        return false;
    }

    private static AllInOne startOnce(Path dataDir, CrashPoints crashPoints, Map<String, String> extra) {
        int api = freePort();
        Map<String, String> env = new HashMap<>();
        env.put("ZUNVX_DATA_DIR", dataDir.toString());
        env.put("ZUNVX_API_PORT", String.valueOf(api));
        env.put("ZUNVX_API_HOST", "127.0.0.1");
        env.put("ZUNVX_COMPUTE_INTERNAL_PORT", String.valueOf(freePort()));
        int proxy = freePort();
        env.put("ZUNVX_WSPROXY_PORT", String.valueOf(proxy));
        env.put("ZUNVX_WSPROXY_BASE_URL", "ws://127.0.0.1:" + proxy + "/");
        env.put("ZUNVX_COMPUTE_HOST", "e2e-" + UUID.randomUUID().toString().substring(0, 8));
        env.put("ZUNVX_COMPUTE_NETWORK", "none");
        env.put("ZUNVX_COMPUTE_ORPHAN_GRACE", "2s");
        env.put("ZUNVX_COMPUTE_SYNC_INTERVAL", "2s");
        // Commands run through execute get the time a loaded machine needs; the timeout test sets its own.
        env.put("ZUNVX_COMPUTE_EXECUTE_TIMEOUT", EXECUTE_TIMEOUT);
        env.put("ZUNVX_ADMIN_PASSWORD", "e2e-admin-secret");
        // Test classes create many containers in one project; quota tests set their own limits.
        env.put("ZUNVX_QUOTA_CONTAINERS", "1000");
        String dockerHost = System.getenv("DOCKER_HOST");
        if (dockerHost != null && !dockerHost.isBlank()) {
            env.put("ZUNVX_DOCKER_HOST", dockerHost);
        }
        env.putAll(extra);
        return AllInOne.start(ZunvxConfig.from(env), crashPoints);
    }

    /** Stops the platform and removes the Docker containers its compute host left behind. */
    static void stop(AllInOne platform) {
        if (platform == null) {
            return;
        }
        String host = platform.platform().config().compute().hostName();
        String dockerHost = platform.platform().config().compute().dockerHost();
        platform.close();
        try (io.zunvx.compute.docker.DockerContainerDriver docker =
                     new io.zunvx.compute.docker.DockerContainerDriver(dockerHost)) {
            docker.listManaged(host).forEach(o -> docker.remove(o.id(), true));
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
