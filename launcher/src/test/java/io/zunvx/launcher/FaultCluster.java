package io.zunvx.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The platform as separate processes on this machine: PostgreSQL and Kafka (each under a small JVM of its own, on
 * fixed ports and data directories so they can be killed and started again on the same data), and the api (two),
 * scheduler and compute roles as {@code Main <role>} JVMs configured by environment, the compute agent driving a
 * Docker engine of the test's own. Every process can be killed with SIGKILL, stopped with SIGSTOP and continued.
 */
final class FaultCluster implements AutoCloseable {
    static final String ADMIN_PASSWORD = "fault-admin-secret";
    private static final Duration READY = Duration.ofSeconds(180);

    private final Path data;
    private final Path logs;
    final int pgPort = Platforms.freePort();
    final int kafkaPort = Platforms.freePort();
    final String host = "fault-" + ProcessHandle.current().pid();
    final DockerDaemons daemons = new DockerDaemons();
    DockerDaemons.Daemon docker;
    private final String registryKey;
    /** One signing-key secret for every role, as a deployment shares it (each would otherwise seal with its own file). */
    private final String signingKeySecret;
    private final Map<String, Process> processes = new LinkedHashMap<>();
    private final Map<String, Integer> opsPorts = new HashMap<>();
    private final Map<String, Integer> apiPorts = new HashMap<>();

    FaultCluster(Path data, Path logs) {
        this.data = data;
        this.logs = logs;
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        registryKey = Base64.getEncoder().encodeToString(key);
        byte[] signing = new byte[32];
        new SecureRandom().nextBytes(signing);
        signingKeySecret = Base64.getEncoder().encodeToString(signing);
    }

    private final Thread onExit = new Thread(this::close, "fault-cluster-exit");
    private boolean closed;

    /** Starts everything and returns once each role reports ready; a JVM that exits first ends them too. */
    FaultCluster start() {
        Runtime.getRuntime().addShutdownHook(onExit);
        try {
            Files.createDirectories(logs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        docker = daemons.start("fault");
        startPg();
        startKafka();
        Process migrate = launch("migrate", List.of(Main.class.getName(), "migrate"), roleEnv("migrate"));
        waitExit(migrate, "migrate");
        for (String role : List.of("api1", "api2", "scheduler", "compute")) {
            startRole(role);
        }
        for (String role : List.of("api1", "api2", "scheduler", "compute")) {
            awaitReady(role);
        }
        return this;
    }

    String dbUrl() {
        return "postgresql://postgres:postgres@127.0.0.1:" + pgPort + "/postgres";
    }

    String apiUrl(String role) {
        return "http://127.0.0.1:" + apiPorts.get(role);
    }

    void startPg() {
        startServer("pg", pgPort);
    }

    void startKafka() {
        startServer("kafka", kafkaPort);
    }

    private void startServer(String kind, int port) {
        Process p = launch(kind, List.of(FaultServers.class.getName(), kind, data.resolve(kind).toString(),
                String.valueOf(port)), Map.of());
        Poll.until(READY, () -> logContains(kind, "READY") || !p.isAlive(), done -> done, kind + " to start");
        if (!p.isAlive()) {
            throw new IllegalStateException(kind + " did not start; see " + logs.resolve(kind + ".log"));
        }
    }

    /** Kills PostgreSQL with SIGKILL: the postmaster and every backend, and the JVM that started it. */
    void killPg() {
        long postmaster;
        try {
            postmaster = Long.parseLong(Files.readAllLines(data.resolve("pg").resolve("postmaster.pid")).get(0).trim());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ProcessHandle pm = ProcessHandle.of(postmaster).orElseThrow();
        List<ProcessHandle> backends = pm.descendants().toList();
        pm.destroyForcibly();
        backends.forEach(ProcessHandle::destroyForcibly);
        kill("pg");
        Poll.until(Duration.ofSeconds(30), () -> pm.isAlive() || backends.stream().anyMatch(ProcessHandle::isAlive),
                alive -> !alive, "PostgreSQL's processes to die");
    }

    void startRole(String role) {
        processes.remove(role);
        launch(role, List.of(Main.class.getName(), role.startsWith("api") ? "api" : role), roleEnv(role));
    }

    void awaitReady(String role) {
        ZunHttp ops = new ZunHttp("http://127.0.0.1:" + opsPorts.get(role), null, null);
        Poll.until(READY, () -> {
            if (!processes.get(role).isAlive()) {
                throw new AssertionError(role + " exited; see " + logs.resolve(role + ".log"));
            }
            try {
                return ops.get("/readyz").status();
            } catch (UncheckedIOException e) {
                return -1;
            }
        }, s -> s == 200, role + " ready");
    }

    private Map<String, String> roleEnv(String role) {
        Map<String, String> env = new HashMap<>();
        env.put("ZUNVX_DB_URL", dbUrl());
        env.put("ZUNVX_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + kafkaPort);
        env.put("ZUNVX_DATA_DIR", data.resolve("role-" + role).toString());
        env.put("ZUNVX_OPS_PORT", String.valueOf(opsPorts.computeIfAbsent(role, r -> Platforms.freePort())));
        env.put("ZUNVX_API_PORT", String.valueOf(apiPorts.computeIfAbsent(role, r -> Platforms.freePort())));
        env.put("ZUNVX_API_HOST", "127.0.0.1");
        env.put("ZUNVX_COMPUTE_HOST", host);
        env.put("ZUNVX_DOCKER_HOST", docker.host());
        env.put("ZUNVX_COMPUTE_INTERNAL_PORT", String.valueOf(apiPorts.computeIfAbsent(role + "-internal",
                r -> Platforms.freePort())));
        env.put("ZUNVX_COMPUTE_NETWORK", "none");
        env.put("ZUNVX_COMPUTE_ORPHAN_GRACE", "2s");
        env.put("ZUNVX_COMPUTE_SYNC_INTERVAL", "2s");
        env.put("ZUNVX_COMPUTE_EXECUTE_TIMEOUT", Platforms.EXECUTE_TIMEOUT);
        // A host is down after 8 s without a heartbeat: the SIGSTOP fault holds the agent well past that.
        env.put("ZUNVX_COMPUTE_HEARTBEAT", "1s");
        env.put("ZUNVX_SERVICE_DOWN_TIME", "8s");
        env.put("ZUNVX_ADMIN_PASSWORD", ADMIN_PASSWORD);
        env.put("ZUNVX_QUOTA_CONTAINERS", "1000");
        env.put("ZUNVX_REGISTRY_KEY", registryKey);
        if (role.startsWith("api")) {
            // Only the signing roles get it; the scheduler and the agent verify with public keys.
            env.put("ZUNVX_SIGNING_KEY_SECRET", signingKeySecret);
        }
        return env;
    }

    private Process launch(String name, List<String> mainAndArgs, Map<String, String> env) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx320m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path")));
        cmd.addAll(mainAndArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logs.resolve(name + ".log").toFile()));
        pb.environment().keySet().removeIf(k -> k.startsWith("ZUNVX_"));
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            processes.put(name, p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private boolean logContains(String name, String text) {
        try {
            return Files.readString(logs.resolve(name + ".log")).contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    private static void waitExit(Process p, String what) {
        try {
            if (!p.waitFor(3, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IllegalStateException(what + " failed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    long pid(String name) {
        return processes.get(name).pid();
    }

    /** SIGKILL on the named process; returns once it is gone. */
    void kill(String name) {
        Process p = processes.get(name);
        p.destroyForcibly();
        try {
            p.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // The log of the next incarnation follows the old one's; mark where.
        try {
            Files.writeString(logs.resolve(name + ".log"), "\n===== SIGKILL =====\n",
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            // only a marker
        }
    }

    /** Sends {@code signal} (STOP, CONT) to the named process. */
    void signal(String name, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(pid(name))).inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -" + signal + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGKILL on the test's own dockerd, then the same engine started again. */
    void killAndRestartDocker() {
        docker = daemons.killAndRestart(docker);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(onExit);
        } catch (IllegalStateException e) {
            // already exiting: this is the hook
        }
        Process compute = processes.get("compute");
        if (compute != null && compute.isAlive()) {
            signal("compute", "CONT");
        }
        List<String> names = new ArrayList<>(processes.keySet());
        Collections.reverse(names);
        for (String name : names) {
            Process p = processes.get(name);
            if (p.isAlive()) {
                p.destroy();
                try {
                    if (!p.waitFor(60, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        if (docker != null) {
            try {
                Files.copy(docker.root().resolve("dockerd.log"), logs.resolve("dockerd.log"),
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                // the engine's log is kept only for reading after a failure
            }
        }
        daemons.close();
    }
}
