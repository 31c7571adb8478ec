package io.zunvx.compute.app;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.zunvx.compute.agent.ComputeAgent;
import io.zunvx.compute.agent.CapsuleManager;
import io.zunvx.compute.agent.ContainerManager;
import io.zunvx.compute.agent.NetworkManager;
import io.zunvx.compute.docker.DockerNetworkDriver;
import io.zunvx.compute.driver.ProjectNetworkDriver;
import io.zunvx.platform.network.NetworkRepository;
import io.zunvx.platform.network.SecurityGroupRepository;
import io.zunvx.compute.agent.HostReporter;
import io.zunvx.compute.agent.ImageManager;
import io.zunvx.compute.agent.ImageSources;
import io.zunvx.compute.agent.ProjectImages;
import io.zunvx.compute.agent.KeyedSerial;
import io.zunvx.compute.agent.LiveResize;
import io.zunvx.compute.agent.SyncLoop;
import io.zunvx.compute.agent.VolumeManager;
import io.zunvx.compute.docker.DockerContainerDriver;
import io.zunvx.compute.driver.NumaReader;
import io.zunvx.compute.driver.RuntimeDriver;
import io.zunvx.compute.internal.InternalEndpoint;
import io.zunvx.platform.app.Platform;
import io.zunvx.platform.app.Runtimes;
import io.zunvx.platform.capsule.CapsuleRepository;
import io.zunvx.platform.concurrent.Blocking;
import io.zunvx.platform.config.ZunvxConfig;
import io.zunvx.platform.container.ContainerActionRepository;
import io.zunvx.platform.container.ContainerStore;
import io.zunvx.platform.db.Transactions;
import io.zunvx.platform.host.ComputeNodeRepository;
import io.zunvx.platform.host.ServiceRepository;
import io.zunvx.platform.image.HostImageRepository;
import io.zunvx.platform.image.StoreImageRepository;
import io.zunvx.platform.registry.CredentialCipher;
import io.zunvx.platform.registry.RegistryRepository;
import io.zunvx.platform.volume.VolumeRepository;
import java.time.Duration;
import java.util.UUID;

/**
 * The compute role's composition root: builds the agent and every part of it, by hand, from the typed configuration
 * ({@link ZunvxConfig.Compute}, the image and scheduler settings) and the shared platform pieces, and hands each part
 * only the driver ports it uses. Nothing else in the role constructs collaborators.
 *
 * <p>The runtime driver is the one seam: {@link #docker} connects to the engine the configuration names and lets a
 * {@link DriverSeam} wrap it; {@link #of} takes any {@link RuntimeDriver}.
 */
public final class ComputeComponents {
    /** Runtime calls one agent runs at once. */
    private static final int MAX_RUNTIME_CALLS = 64;

    private final RuntimeDriver driver;
    private final ComputeAgent agent;

    private ComputeComponents(RuntimeDriver driver, ComputeAgent agent) {
        this.driver = driver;
        this.agent = agent;
    }

    /** The agent for the Docker engine at {@code ZUNVX_DOCKER_HOST}, its driver wrapped by {@code seam}. */
    public static ComputeComponents docker(Vertx vertx, Context context, Platform platform, DriverSeam seam) {
        DockerContainerDriver docker = new DockerContainerDriver(platform.config().compute().dockerHost(),
                platform.config().dataDir().resolve("volumes").toAbsolutePath(),
                platform.config().compute().containerDefaults());
        try {
            return of(vertx, context, platform, seam.wrap(docker),
                    new DockerNetworkDriver(platform.config().compute().dockerHost()));
        } catch (RuntimeException e) {
            docker.close();
            throw e;
        }
    }

    /** The agent for a runtime reached through {@code driver}, which it closes when asked to (see {@link #close}). */
    public static ComputeComponents of(Vertx vertx, Context context, Platform platform, RuntimeDriver driver) {
        return of(vertx, context, platform, driver, null);
    }

    /**
     * As {@link #of(Vertx, Context, Platform, RuntimeDriver)}, with the host's project networks reached through
     * {@code projectNetworks} ({@code null}: containers stay on the configured network, as with test runtimes).
     */
    public static ComputeComponents of(Vertx vertx, Context context, Platform platform, RuntimeDriver driver,
                                       ProjectNetworkDriver projectNetworks) {
        ZunvxConfig.Compute config = platform.config().compute();
        String host = config.hostName();
        Blocking blocking = new Blocking("docker-" + host, MAX_RUNTIME_CALLS);
        Transactions db = platform.transactions();
        NetworkManager networks = projectNetworks == null ? null : new NetworkManager(vertx, context,
                projectNetworks, blocking, db, new NetworkRepository(platform.clock()),
                new SecurityGroupRepository(platform.clock()), host, config.network(), config.syncInterval());
        ContainerStore store = new ContainerStore(db, platform.clock());
        ContainerActionRepository actions = new ContainerActionRepository();
        ComputeNodeRepository nodes = new ComputeNodeRepository();
        ZunvxConfig.Images imageConfig = platform.config().images();
        ImageSources sources = new ImageSources(new ProjectImages(driver), db,
                new RegistryRepository(CredentialCipher.fromConfig(platform.config()), platform.clock()),
                new StoreImageRepository(platform.clock()), platform.blobStore(),
                imageConfig.maxUploadBytes(), imageConfig.projectQuotaBytes());
        if (Runtimes.registry() != null) {
            driver.countImageTransfers(Runtimes.registry(), host);
        }
        KeyedSerial<UUID> serial = new KeyedSerial<>();
        VolumeManager volumes = new VolumeManager(vertx, context, driver, driver, blocking, db,
                new VolumeRepository(platform.clock()), host, config.syncInterval(), config.orphanGrace(),
                platform.clock());
        ContainerManager manager = new ContainerManager(context, driver, driver, blocking, store, actions, nodes,
                host, config.network(), platform.clock(), sources, volumes, networks);
        ImageManager images = new ImageManager(context, blocking, db,
                new HostImageRepository(platform.clock()), sources, host);
        // The heartbeat's Docker calls have a pool of their own: tenant work filling `blocking` cannot delay them.
        HostReporter reporter = new HostReporter(vertx, context, driver, new Blocking("heartbeat-" + host, 2),
                db, nodes,
                new ServiceRepository(), platform.publisher(), host, config.availabilityZone(),
                config.internalUrl(), config.labels(), config.cpuPinning(), config.heartbeat(), NumaReader.SYSFS,
                platform.clock());
        SyncLoop sync = new SyncLoop(vertx, context, driver, blocking, store, actions, manager, serial, host,
                config.syncInterval(), config.orphanGrace(), config.staleTask(), platform.clock());
        LiveResize resize = new LiveResize(context, driver, blocking, db, nodes, host,
                platform.config().scheduler());
        InternalEndpoint endpoint = new InternalEndpoint(vertx, context, driver, driver, driver, blocking, store,
                platform.tokens(), host, resize, config.executeTimeout(), networks, config.logsMaxBytes());
        CapsuleManager capsules = new CapsuleManager(vertx, context, manager, driver, blocking, store,
                db, new CapsuleRepository(), serial, host, config.syncInterval(), platform.clock());
        ComputeAgent agent = new ComputeAgent(vertx, context, platform, driver, blocking, serial, manager, images,
                reporter, sync, volumes, endpoint, networks, capsules);
        return new ComputeComponents(driver, agent);
    }

    /** The agent: start it, and stop it before {@link #close}. */
    public ComputeAgent agent() {
        return agent;
    }

    /** Releases the runtime connection; blocking. */
    public void close() {
        driver.close();
    }
}
