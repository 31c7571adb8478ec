package io.zunvx.compute.agent;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.zunvx.compute.driver.ContainerDriver;
import io.zunvx.compute.internal.InternalEndpoint;
import io.zunvx.model.ContainerCommand;
import io.zunvx.model.ImageCommand;
import io.zunvx.model.Topics;
import io.zunvx.platform.app.Platform;
import io.zunvx.platform.app.Runtimes;
import io.zunvx.platform.concurrent.Blocking;
import io.zunvx.platform.config.ZunvxConfig;
import io.zunvx.platform.container.ContainerActionRepository;
import io.zunvx.platform.container.ContainerRepository;
import io.zunvx.platform.container.ContainerStore;
import io.zunvx.platform.events.Envelopes;
import io.zunvx.platform.host.ComputeNodeRepository;
import io.zunvx.platform.host.ServiceRepository;
import io.zunvx.platform.image.BlobStore;
import io.zunvx.platform.image.HostImageRepository;
import io.zunvx.platform.image.StoreImageRepository;
import io.zunvx.platform.kafka.KafkaTopics;
import io.zunvx.platform.kafka.RecordLoop;
import io.zunvx.platform.registry.CredentialCipher;
import io.zunvx.platform.registry.RegistryRepository;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node agent of one Docker host, wired by hand: it registers the host, consumes {@code zunvx.compute.<host>}
 * (container and image commands, those for one container or image applied strictly in order, offsets committed only
 * after each is done), follows and reconciles Docker, and serves the internal endpoint.
 */
public final class ComputeAgent {
    private static final Logger LOG = LoggerFactory.getLogger(ComputeAgent.class);

    private final Vertx vertx;
    private final Context context;
    private final Platform platform;
    private final ContainerDriver driver;
    private final ZunvxConfig.Compute config;
    private final Blocking blocking;
    private final KeyedSerial<UUID> serial = new KeyedSerial<>();
    private final ContainerManager manager;
    private final NetworkManager networks;
    private final ImageManager images;
    /** Image commands for one image are applied in order, apart from the containers' order. */
    private final KeyedSerial<UUID> imageSerial = new KeyedSerial<>();
    private final HostReporter reporter;
    private final SyncLoop sync;
    private final InternalEndpoint endpoint;
    private RecordLoop loop;

    public ComputeAgent(Vertx vertx, Context context, Platform platform, ContainerDriver driver,
                        CrashPoints crashPoints) {
        this.vertx = vertx;
        this.context = context;
        this.platform = platform;
        this.driver = driver;
        this.config = platform.config().compute();
        this.blocking = new Blocking("docker-" + config.hostName(), 64);
        ContainerStore store = new ContainerStore(platform.pool(), new ContainerRepository(), platform.clock());
        ContainerActionRepository actions = new ContainerActionRepository();
        ComputeNodeRepository nodes = new ComputeNodeRepository();
        ZunvxConfig.Images imageConfig = platform.config().images();
        ImageSources sources = new ImageSources(platform.pool(),
                new RegistryRepository(CredentialCipher.fromConfig(platform.config()), platform.clock()),
                new StoreImageRepository(platform.clock()), BlobStore.of(imageConfig, platform.pool()),
                imageConfig.maxUploadBytes());
        if (Runtimes.registry() != null) {
            driver.countImageTransfers(Runtimes.registry(), config.hostName());
        }
        this.networks = new NetworkManager(vertx, context,
                new io.zunvx.compute.docker.DockerNetworkDriver(config.dockerHost()), blocking, platform.pool(),
                new io.zunvx.platform.network.NetworkRepository(platform.clock()),
                new io.zunvx.platform.network.SecurityGroupRepository(platform.clock()), config.hostName(),
                config.network(), config.syncInterval());
        this.manager = new ContainerManager(context, driver, blocking, store, actions, nodes, config.hostName(),
                config.network(), platform.clock(), crashPoints, sources, networks);
        this.images = new ImageManager(context, driver, blocking, platform.pool(),
                new HostImageRepository(platform.clock()), sources, config.hostName());
        this.reporter = new HostReporter(vertx, context, driver, blocking, platform.pool(), nodes,
                new ServiceRepository(), platform.publisher(), config.hostName(), config.availabilityZone(),
                config.internalUrl(), config.labels(), config.cpuPinning(), config.heartbeat(), platform.clock());
        this.sync = new SyncLoop(vertx, context, driver, blocking, store, actions, manager, serial,
                config.hostName(), config.syncInterval(), config.orphanGrace(), config.staleTask(), platform.clock());
        LiveResize resize = new LiveResize(context, driver, blocking, platform.pool(), nodes, config.hostName(),
                platform.config().scheduler());
        this.endpoint = new InternalEndpoint(vertx, context, driver, blocking, store, platform.tokens(),
                config.hostName(), resize, config.executeTimeout(), networks);
    }

    public Future<Void> start() {
        String topic = Topics.compute(config.hostName());
        var ready = platform.readiness().flag("compute-" + config.hostName());
        return Platform.retry(vertx, "Docker at " + config.dockerHost(),
                        () -> blocking.run(context, () -> {
                            driver.ensureNetwork(config.network());
                            return null;
                        }))
                .compose(v -> networks.start())
                // The command topic exists before the host is announced, so nothing is ever sent to a missing topic.
                .compose(v -> KafkaTopics.ensure(vertx, platform.kafka(),
                        Map.of(topic, platform.config().kafka().partitions())))
                .compose(v -> reporter.start())
                .compose(v -> {
                    // Docker or PostgreSQL may be away for a while: retry a command for about a minute before it
                    // goes to the dead-letter topic (the sync loop then repairs the container's row).
                    RecordLoop.Options options = RecordLoop.Options.defaults().withAttempts(12)
                            .withBackoff(Duration.ofMillis(200), Duration.ofSeconds(10));
                    loop = RecordLoop.of(vertx, platform.kafka(), "zunvx-compute-" + config.hostName(),
                            List.of(topic), options, consumed -> {
                                if (ImageCommand.isImageCommandType(consumed.event().getType())) {
                                    ImageCommand cmd = Envelopes.imageCommand(consumed.event());
                                    return imageSerial.submit(cmd.uuid(), () -> images.handle(cmd));
                                }
                                ContainerCommand cmd = Envelopes.command(consumed.event());
                                return serial.submit(cmd.uuid(), () -> manager.handle(cmd));
                            });
                    return loop.start();
                })
                .compose(v -> sync.start())
                .compose(v -> endpoint.listen("0.0.0.0", config.internalPort()))
                .onSuccess(v -> {
                    ready.set(true);
                    LOG.info("compute agent {} ready (Docker {}, network {})", config.hostName(),
                            config.dockerHost(), config.network());
                })
                .mapEmpty();
    }

    public Future<Void> stop() {
        sync.stop();
        networks.stop();
        reporter.stop();
        return Future.join(loop == null ? Future.succeededFuture() : loop.stop(), endpoint.close())
                .onComplete(ar -> blocking.close())
                .mapEmpty();
    }
}
