package io.zunvx.compute.agent;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.SqlClient;
import io.zunvx.compute.driver.HostDriver;
import io.zunvx.compute.driver.HostInfo;
import io.zunvx.compute.driver.NumaReader;
import io.zunvx.model.ComputeNode;
import io.zunvx.model.ZunService;
import io.zunvx.platform.concurrent.Blocking;
import io.zunvx.platform.db.Transactions;
import io.zunvx.platform.host.ComputeNodeRepository;
import io.zunvx.platform.host.HostEvents;
import io.zunvx.platform.host.ServiceRepository;
import io.zunvx.platform.kafka.EventPublisher;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the host (service and compute node with Docker's real CPU and memory figures, and the NUMA topology: see
 * {@link NumaReader}) and keeps it current: on every heartbeat it refreshes the inventory and counts, records the
 * service heartbeat, and publishes {@code host.reported} for the schedulers.
 */
public final class HostReporter {
    private static final Logger LOG = LoggerFactory.getLogger(HostReporter.class);

    private final Vertx vertx;
    private final Context context;
    private final HostDriver driver;
    private final Blocking blocking;
    private final SqlClient sql;
    private final ComputeNodeRepository nodes;
    private final ServiceRepository services;
    private final EventPublisher publisher;
    private final String host;
    private final String zone;
    private final String internalUrl;
    private final Map<String, String> labels;
    private final boolean cpuPinning;
    private final Duration interval;
    private final Clock clock;
    private long timer = -1;
    private volatile ComputeNode last;
    private final Path numaRoot;

    public HostReporter(Vertx vertx, Context context, HostDriver driver, Blocking blocking, Transactions db,
                        ComputeNodeRepository nodes, ServiceRepository services, EventPublisher publisher,
                        String host, String zone, String internalUrl, Map<String, String> labels, boolean cpuPinning,
                        Duration interval, Path numaRoot, Clock clock) {
        this.vertx = vertx;
        this.context = context;
        this.driver = driver;
        this.blocking = blocking;
        this.sql = db.statements();
        this.nodes = nodes;
        this.services = services;
        this.publisher = publisher;
        this.host = host;
        this.zone = zone;
        this.internalUrl = internalUrl;
        this.labels = labels;
        this.cpuPinning = cpuPinning;
        this.interval = interval;
        this.numaRoot = numaRoot;
        this.clock = clock;
    }

    /** Registers once (failing if that is impossible), then reports on every interval. */
    public Future<ComputeNode> start() {
        return report().onSuccess(n -> timer = vertx.setPeriodic(interval.toMillis(), id -> report()
                .onFailure(err -> LOG.warn("heartbeat of {} failed: {}", host, err.toString()))));
    }

    public ComputeNode last() {
        return last;
    }

    /** One heartbeat: inventory, service, event. */
    public Future<ComputeNode> report() {
        return blocking.run(context, () -> withNuma(driver.info())).compose(info -> {
            var now = clock.instant();
            ComputeNode node = node(info);
            return nodes.report(sql, node, now)
                    .compose(saved -> services.heartbeat(sql, host, ZunService.COMPUTE, zone, now)
                            .compose(svc -> publisher.publish(HostEvents.reported(saved, svc), "/zunvx/compute/" + host)
                                    .recover(err -> {
                                        // The database has the report; schedulers also read it from there.
                                        LOG.debug("host event not published: {}", err.toString());
                                        return Future.succeededFuture();
                                    }))
                            .map(saved));
        }).onSuccess(n -> last = n);
    }

    /** The runtime's figures with the NUMA topology: its own if it tells, else the machine's (blocking). */
    private HostInfo withNuma(HostInfo info) {
        if (info.numaTopology() != null) {
            return info;
        }
        return info.withNumaTopology(NumaReader.forHost(numaRoot, info.cpus(), info.memTotalMiB()));
    }

    /** The node to report: the runtime's figures, this agent's configuration, and its NUMA topology. */
    ComputeNode node(HostInfo i) {
        return new ComputeNode(ComputeNodeRepository.newId(), host, i.memTotalMiB(), 0, i.cpus(), 0, i.diskTotalGb(),
                0, i.total(), i.running(), i.paused(), i.stopped(), i.architecture(), i.osType(), i.os(),
                i.kernelVersion(), labels, i.runtimes(), cpuPinning, zone, internalUrl, null, null, 0,
                i.numaTopology());
    }

    public void stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }
}
