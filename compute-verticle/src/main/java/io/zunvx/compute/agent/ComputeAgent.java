package io.zunvx.compute.agent;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.zunvx.compute.driver.NetworkDriver;
import io.zunvx.compute.internal.InternalEndpoint;
import io.zunvx.model.ContainerCommand;
import io.zunvx.model.ImageCommand;
import io.zunvx.model.Topics;
import io.zunvx.model.VolumeCommand;
import io.zunvx.platform.app.Platform;
import io.zunvx.platform.concurrent.Blocking;
import io.zunvx.platform.config.ZunvxConfig;
import io.zunvx.platform.events.Envelopes;
import io.zunvx.platform.kafka.KafkaTopics;
import io.zunvx.platform.kafka.RecordLoop;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node agent of one Docker host: it registers the host, consumes {@code zunvx.compute.<host>} (container and image
 * commands, those for one container or image applied strictly in order, offsets committed only after each is done),
 * follows and reconciles Docker, and serves the internal endpoint. It is given its parts (see
 * {@code io.zunvx.compute.app.ComputeComponents}, which builds them) and owns only their start order.
 */
public final class ComputeAgent {
    private static final Logger LOG = LoggerFactory.getLogger(ComputeAgent.class);

    private final Vertx vertx;
    private final Context context;
    private final Platform platform;
    private final ZunvxConfig.Compute config;
    private final NetworkDriver networks;
    private final Blocking blocking;
    private final KeyedSerial<UUID> serial;
    private final ContainerManager manager;
    private final ImageManager images;
    /** Image commands for one image are applied in order, apart from the containers' order. */
    private final KeyedSerial<UUID> imageSerial = new KeyedSerial<>();
    private final HostReporter reporter;
    private final SyncLoop sync;
    private final VolumeManager volumes;
    private final InternalEndpoint endpoint;
    /** The project networks of this host, or {@code null} for a runtime without them (test runtimes). */
    private final NetworkManager projectNetworks;
    private final CapsuleManager capsules;
    private RecordLoop loop;

    /**
     * @param networks the runtime's networks: the configured network is made sure of before anything else starts
     * @param blocking where the parts run their runtime calls; closed when the agent stops
     * @param serial   the per-container queue that commands share with the sync loop's Docker events
     */
    public ComputeAgent(Vertx vertx, Context context, Platform platform, NetworkDriver networks, Blocking blocking,
                        KeyedSerial<UUID> serial, ContainerManager manager, ImageManager images,
                        HostReporter reporter, SyncLoop sync, VolumeManager volumes, InternalEndpoint endpoint,
                        NetworkManager projectNetworks, CapsuleManager capsules) {
        this.projectNetworks = projectNetworks;
        this.capsules = capsules;
        this.vertx = vertx;
        this.context = context;
        this.platform = platform;
        this.config = platform.config().compute();
        this.networks = networks;
        this.blocking = blocking;
        this.serial = serial;
        this.manager = manager;
        this.images = images;
        this.reporter = reporter;
        this.sync = sync;
        this.volumes = volumes;
        this.endpoint = endpoint;
    }

    public Future<Void> start() {
        String topic = Topics.compute(config.hostName());
        var ready = platform.readiness().flag("compute-" + config.hostName());
        return Platform.retry(vertx, "Docker at " + config.dockerHost(),
                        () -> blocking.run(context, () -> {
                            networks.ensureNetwork(config.network());
                            return null;
                        }))
                .compose(v -> projectNetworks == null ? Future.<Void>succeededFuture() : projectNetworks.start())
                // The command topic exists before the host is announced, so nothing is ever sent to a missing topic.
                .compose(v -> KafkaTopics.ensure(vertx, platform.kafka(),
                        Map.of(topic, platform.config().kafka().partitions())))
                .compose(v -> reporter.start())
                .compose(v -> {
                    // Docker or PostgreSQL may be away for a while: retry a command for about a minute before it
                    // goes to the dead-letter topic (the sync loop then repairs the container's row).
                    RecordLoop.Options options = RecordLoop.Options.defaults().withAttempts(12)
                            .withBackoff(Duration.ofMillis(200), Duration.ofSeconds(10))
                            .withMaxInFlight(config.maxInFlight());
                    loop = RecordLoop.of(vertx, platform.kafka(), "zunvx-compute-" + config.hostName(),
                            List.of(topic), options, consumed -> {
                                if (VolumeCommand.isVolumeCommandType(consumed.event().getType())) {
                                    return volumes.handle(Envelopes.volumeCommand(consumed.event()));
                                }
                                if (ImageCommand.isImageCommandType(consumed.event().getType())) {
                                    ImageCommand cmd = Envelopes.imageCommand(consumed.event());
                                    return imageSerial.submit(cmd.uuid(), () -> images.handle(cmd));
                                }
                                ContainerCommand cmd = Envelopes.command(consumed.event());
                                // Runs the command in the container's queue, then what it means for its capsule.
                                return capsules.handle(cmd);
                            });
                    return loop.start();
                })
                .compose(v -> sync.start())
                .compose(v -> capsules.start())
                .compose(v -> volumes.start())
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
        capsules.stop();
        volumes.stop();
        if (projectNetworks != null) {
            projectNetworks.stop();
        }
        reporter.stop();
        return Future.join(loop == null ? Future.succeededFuture() : loop.stop(), endpoint.close())
                .onComplete(ar -> blocking.close())
                .mapEmpty();
    }
}
