package io.zunvx.launcher;

import io.zunvx.compute.agent.CrashPoints;
import io.zunvx.compute.app.ComputeVerticle;
import io.zunvx.compute.docker.DockerContainerDriver;
import io.zunvx.platform.app.Platform;
import io.zunvx.platform.app.TestVertx;
import io.zunvx.platform.auth.Identity;
import io.zunvx.platform.config.ZunvxConfig;
import io.zunvx.scheduler.app.SchedulerComponents;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Starts a real all-in-one for a test class (its own data directory, free ports and compute host name) with the test
 * Vert.x options, and gives tests their seams from the components the roles were built from: the scheduler's
 * placement service, the compute agent to stop and start again, extra schedulers and compute agents deployed in the
 * same process with the same factories.
 */
final class Platforms {
    /** What the tests' role factories built for each running all-in-one. */
    private static final Map<AllInOne, Seams> SEAMS = new ConcurrentHashMap<>();
    /** How long a command run through {@code execute} may take on a test platform. */
    static final String EXECUTE_TIMEOUT = "60s";

    private Platforms() {
    }

    /** The components behind one all-in-one's roles, as the tests' factories recorded them. */
    private static final class Seams {
        final AtomicReference<SchedulerComponents> scheduler = new AtomicReference<>();
        final AtomicReference<Role> compute = new AtomicReference<>();
        /** Roles deployed here rather than by the all-in-one, by deployment id: released here. */
        final Map<String, Role> extras = new ConcurrentHashMap<>();
    }

    /** An extra scheduler instance: its deployment and its components. */
    record ExtraScheduler(String deploymentId, SchedulerComponents components) {
    }

    /**
     * Starts the platform on free ports. A port found free can be taken by another process before it is bound (other
     * builds share the machine), so a start that fails to bind is tried again on fresh ports.
     */
    static AllInOne start(Path dataDir, CrashPoints crashPoints, Map<String, String> extra) {
        for (int attempt = 1; ; attempt++) {
            try {
                return startOnce(dataDir, crashPoints, extra);
            } catch (Exception e) {
                if (attempt >= 3 || !causedByBind(e)) {
                    throw e;
                }
            }
        }
    }

    private static boolean causedByBind(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof BindException) {
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
        return start(ZunvxConfig.from(env), crashPoints);
    }

    /** Starts an all-in-one from {@code config} with the tests' seams and Vert.x options. */
    static AllInOne start(ZunvxConfig config, CrashPoints crashPoints) {
        Seams seams = new Seams();
        Roles roles = Roles.standard()
                .withScheduler(p -> {
                    SchedulerComponents components = SchedulerComponents.create(p);
                    seams.scheduler.set(components);
                    return Role.of(components.verticle());
                })
                .withCompute(p -> {
                    Role role = compute(p, crashPoints);
                    seams.compute.set(role);
                    return role;
                });
        AllInOne aio = AllInOne.start(config, roles, TestVertx.options());
        SEAMS.put(aio, seams);
        return aio;
    }

    /** The compute role as {@link Roles#compute} builds it, with {@code crashPoints}. */
    private static Role compute(Platform platform, CrashPoints crashPoints) {
        return Role.of(new ComputeVerticle(platform, crashPoints));
    }

    private static Seams seams(AllInOne aio) {
        Seams s = SEAMS.get(aio);
        if (s == null) {
            throw new IllegalStateException("not started by Platforms");
        }
        return s;
    }

    /** Stops the platform and removes the Docker containers its compute host left behind. */
    static void stop(AllInOne platform) {
        if (platform == null) {
            return;
        }
        String host = platform.platform().config().compute().hostName();
        String dockerHost = platform.platform().config().compute().dockerHost();
        Seams seams = SEAMS.remove(platform);
        platform.close();
        if (seams != null) {
            seams.extras.values().forEach(Role::release);
        }
        try (DockerContainerDriver docker = new DockerContainerDriver(dockerHost)) {
            docker.listManaged(host).forEach(o -> docker.remove(o.id(), true));
        }
        removeUnusedNetworks();
    }

    /**
     * Removes, once a platform's containers are gone, the project networks no running container uses from the local
     * engine. Each test platform has a database of its own and picks project subnets without knowing the networks an
     * earlier platform left behind, which could overlap. Docker keeps a network a running container uses; one whose
     * only containers are stopped would go, so this runs only when the platform's own containers are removed (the
     * tests run one class at a time).
     */
    static void removeUnusedNetworks() {
        try {
            Process ls = new ProcessBuilder("docker", "network", "ls", "-q", "--filter", "label=zunvx.network")
                    .redirectErrorStream(true).start();
            String ids = new String(ls.getInputStream().readAllBytes());
            ls.waitFor();
            for (String id : ids.split("\\s+")) {
                if (!id.isBlank()) {
                    new ProcessBuilder("docker", "network", "rm", id).redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A token for another user and project (tests of tenancy). */
    static String token(AllInOne aio, String userId, String projectId, List<String> roles) {
        return aio.platform().tokens().issue(new Identity(userId, userId, projectId, projectId, roles, null)).value();
    }

    /** The scheduler deployed at start (its placement service: snapshot and counts). */
    static SchedulerComponents scheduler(AllInOne aio) {
        return seams(aio).scheduler.get();
    }

    /** Stops the compute agent as a crash would leave things: nothing is cleaned up; blocking. */
    static void stopCompute(AllInOne aio) {
        Role role = seams(aio).compute.getAndSet(null);
        if (role != null) {
            String id = ((ComputeVerticle) role.verticle()).deploymentID();
            aio.vertx().undeploy(id).await();
            seams(aio).extras.remove(id);
            role.release();
        }
    }

    /** Deploys the compute agent again, as {@link Roles#compute} builds it; blocking. */
    static void startCompute(AllInOne aio, CrashPoints crashPoints) {
        Role role = compute(aio.platform(), crashPoints);
        seams(aio).compute.set(role);
        String id = aio.vertx().deployVerticle(role.verticle()).await();
        seams(aio).extras.put(id, role);
    }

    /**
     * Deploys one more compute agent in this process for another Docker engine, as if it were another host. Returns
     * the deployment id for {@link #stopExtraCompute}; blocking.
     */
    static String startExtraCompute(AllInOne aio, String hostName, String dockerHost, int internalPort) {
        ZunvxConfig config = aio.platform().config();
        Platform other = aio.platform().withConfig(config.withCompute(
                config.compute().forEngine(hostName, dockerHost, internalPort)));
        Role role = compute(other, CrashPoints.NONE);
        String id = aio.vertx().deployVerticle(role.verticle()).await();
        seams(aio).extras.put(id, role);
        return id;
    }

    /** Stops an extra compute agent; blocking. */
    static void stopExtraCompute(AllInOne aio, String deploymentId) {
        aio.vertx().undeploy(deploymentId).await();
        Role role = seams(aio).extras.remove(deploymentId);
        if (role != null) {
            role.release();
        }
    }

    /**
     * Deploys one more scheduler instance in this process: it joins consumer group {@code zunvx-scheduler} and takes
     * a share of the command topic's partitions, with a snapshot of its own. Blocking.
     */
    static ExtraScheduler startExtraScheduler(AllInOne aio) {
        SchedulerComponents components = SchedulerComponents.create(aio.platform());
        String id = aio.vertx().deployVerticle(components.verticle()).await();
        return new ExtraScheduler(id, components);
    }

    /** Stops an extra scheduler; its partitions go back to the other members of the group. Blocking. */
    static void stopExtraScheduler(AllInOne aio, ExtraScheduler scheduler) {
        aio.vertx().undeploy(scheduler.deploymentId()).await();
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Registers {@code projectId} in the identity tables (as its name), so that quotas may be set for it. */
    static void project(AllInOne aio, String projectId) {
        aio.platform().pool().preparedQuery("INSERT INTO projects (id, name) VALUES ($1, $1) ON CONFLICT DO NOTHING")
                .execute(Tuple.of(projectId)).await();
    }
}
