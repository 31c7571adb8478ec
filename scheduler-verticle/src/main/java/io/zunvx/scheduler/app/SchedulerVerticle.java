package io.zunvx.scheduler.app;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.zunvx.model.ComputeNode;
import io.zunvx.model.Container;
import io.zunvx.model.ContainerCommand;
import io.zunvx.model.Status;
import io.zunvx.model.Topics;
import io.zunvx.model.ZunService;
import io.zunvx.platform.app.Platform;
import io.zunvx.platform.container.ContainerActionRepository;
import io.zunvx.platform.container.ContainerRepository;
import io.zunvx.platform.container.ContainerStore;
import io.zunvx.platform.events.Envelopes;
import io.zunvx.platform.host.ComputeNodeRepository;
import io.zunvx.platform.host.HostEvents;
import io.zunvx.platform.host.ServiceRepository;
import io.zunvx.platform.kafka.RecordLoop;
import io.zunvx.scheduler.placement.Decision;
import io.zunvx.scheduler.placement.FilterScheduler;
import io.zunvx.scheduler.placement.HostState;
import io.zunvx.scheduler.placement.NoValidHost;
import io.zunvx.scheduler.placement.Placed;
import io.zunvx.scheduler.placement.PlacementRequest;
import io.zunvx.scheduler.placement.SchedulerPolicy;
import io.zunvx.scheduler.placement.Snapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler role. It keeps an in-memory snapshot of every host (loaded from PostgreSQL, then fed by
 * {@code host.reported} events), answers each placement request with the pure {@link FilterScheduler}, and applies
 * the decision in one transaction: a conditional claim on the chosen node (no overcommit, whatever the number of
 * schedulers), the container's host, and the {@code CreateContainer} command in the outbox. A claim that loses a race
 * refreshes that host from the database and places again.
 */
public final class SchedulerVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(SchedulerVerticle.class);
    private static final int MAX_ATTEMPTS = 10;

    private final Platform platform;
    private final FilterScheduler scheduler;
    private final SchedulerPolicy policy;
    private final ContainerStore store;
    private final ComputeNodeRepository nodes = new ComputeNodeRepository();
    private final ServiceRepository services = new ServiceRepository();
    private final ContainerActionRepository actions = new ContainerActionRepository();
    private Snapshot snapshot = Snapshot.empty();
    private RecordLoop commands;
    private RecordLoop hostEvents;

    public SchedulerVerticle(Platform platform) {
        this.platform = platform;
        var cfg = platform.config().scheduler();
        this.policy = SchedulerPolicy.defaults()
                .withServiceDownTime(cfg.serviceDownTime())
                .withAllocationRatios(cfg.cpuAllocationRatio(), cfg.ramAllocationRatio(), cfg.diskAllocationRatio())
                .withWeigher("pack".equals(cfg.weigher()) ? SchedulerPolicy.Strategy.PACK
                        : SchedulerPolicy.Strategy.SPREAD);
        this.scheduler = new FilterScheduler(policy, System.nanoTime());
        this.store = new ContainerStore(platform.pool(), new ContainerRepository(), platform.clock());
    }

    /** The current snapshot (for tests and metrics). */
    public Snapshot snapshot() {
        return snapshot;
    }

    @Override
    public Future<?> start() {
        var ready = platform.readiness().flag("scheduler");
        return reload()
                .compose(v -> {
                    hostEvents = RecordLoop.of(vertx, platform.kafka(), "zunvx-scheduler-hosts-" + UUID.randomUUID(),
                            List.of(Topics.HOST_EVENTS), consumed -> {
                                onHostEvent(new JsonObject(new String(consumed.event().getData().toBytes(),
                                        java.nio.charset.StandardCharsets.UTF_8)));
                                return Future.succeededFuture();
                            });
                    return hostEvents.start();
                })
                .compose(v -> {
                    commands = RecordLoop.of(vertx, platform.kafka(), "zunvx-scheduler",
                            List.of(Topics.SCHEDULER_COMMANDS), consumed -> {
                                ContainerCommand cmd = Envelopes.command(consumed.event());
                                if (cmd instanceof ContainerCommand.ScheduleContainer s) {
                                    return schedule(s.uuid(), s.requestId());
                                }
                                LOG.warn("scheduler ignores {}", cmd.type());
                                return Future.succeededFuture();
                            });
                    return commands.start();
                })
                .onSuccess(v -> {
                    ready.set(true);
                    LOG.info("scheduler ready with {} host(s)", snapshot.size());
                });
    }

    /** Loads every compute node and its service from PostgreSQL. */
    private Future<Void> reload() {
        return Future.all(nodes.list(platform.pool()), services.list(platform.pool())).map(all -> {
            List<ComputeNode> ns = all.resultAt(0);
            List<ZunService> ss = all.resultAt(1);
            Map<String, ZunService> byHost = new HashMap<>();
            ss.stream().filter(s -> ZunService.COMPUTE.equals(s.binary())).forEach(s -> byHost.put(s.host(), s));
            List<HostState> hosts = new ArrayList<>();
            ns.forEach(n -> hosts.add(HostState.of(n, byHost.get(n.hostname()))));
            snapshot = Snapshot.of(hosts);
            return null;
        });
    }

    private void onHostEvent(JsonObject data) {
        HostEvents.Reported r = HostEvents.decode(data);
        HostState current = snapshot.get(r.node().hostname());
        if (current != null && current.node().version() > r.node().version()) {
            // Our own claims are newer than this report's figures: keep them, take the heartbeat.
            snapshot = snapshot.with(current.withService(r.service()));
        } else {
            snapshot = snapshot.with(current == null ? HostState.of(r.node(), r.service())
                    : current.withNode(r.node()).withService(r.service()));
        }
    }

    private Future<Void> refreshHost(String hostname) {
        return Future.all(nodes.find(platform.pool(), hostname),
                services.find(platform.pool(), hostname, ZunService.COMPUTE)).map(all -> {
            Optional<ComputeNode> n = all.resultAt(0);
            Optional<ZunService> s = all.resultAt(1);
            snapshot = n.isPresent() ? snapshot.with(HostState.of(n.get(), s.orElse(null)))
                    : snapshot.without(hostname);
            return null;
        });
    }

    /** Handles one placement request; idempotent (a placed container is left alone). */
    Future<Void> schedule(UUID uuid, String req) {
        return store.find(uuid).compose(found -> {
            if (found.isEmpty() || found.get().status() != Status.CREATING || found.get().host() != null) {
                return Future.succeededFuture();
            }
            return attempt(found.get(), req, 1);
        });
    }

    private Future<Void> attempt(Container c, String req, int n) {
        Decision d = scheduler.place(snapshot, PlacementRequest.from(c), platform.clock().instant());
        if (d instanceof NoValidHost none) {
            return noValidHost(c.uuid(), req, none.reason());
        }
        Placed p = (Placed) d;
        return store.inTransaction(tx -> nodes.claim(tx.connection(), p.hostname(), p.node().version(), p.memory(),
                        p.cpu(), p.disk(), policy.cpuAllocationRatio(), policy.ramAllocationRatio(),
                        policy.diskAllocationRatio())
                .compose(claimed -> {
                    if (claimed.isEmpty()) {
                        return Future.succeededFuture(Optional.<ComputeNode>empty());
                    }
                    return tx.lock(c.uuid()).compose(row -> {
                        if (row.isEmpty() || row.get().status() != Status.CREATING || row.get().host() != null) {
                            return Future.failedFuture(new AlreadyHandled());
                        }
                        Container next = row.get().toBuilder().host(p.hostname()).claimed(true).build();
                        return tx.save(row.get(), next, req)
                                .compose(saved -> actions.event(tx.connection(), c.uuid(), req,
                                        "scheduler__select_destinations", platform.clock().instant(),
                                        platform.clock().instant(), "Success", null, false, null))
                                .compose(v -> tx.publish(Envelopes.command(Topics.compute(p.hostname()),
                                        new ContainerCommand.CreateContainer(c.uuid(), req))))
                                .map(claimed);
                    });
                }))
                .compose(claimed -> {
                    if (claimed.isPresent()) {
                        HostState h = snapshot.get(p.hostname());
                        if (h != null) {
                            snapshot = snapshot.with(h.withNode(claimed.get()));
                        }
                        return Future.<Void>succeededFuture();
                    }
                    if (n >= MAX_ATTEMPTS) {
                        return noValidHost(c.uuid(), req, "There are not enough hosts available: every claim lost a "
                                + "race with other placements after " + n + " attempts.");
                    }
                    return refreshHost(p.hostname()).compose(v -> attempt(c, req, n + 1));
                })
                .recover(err -> err instanceof AlreadyHandled ? Future.succeededFuture() : Future.failedFuture(err));
    }

    private Future<Void> noValidHost(UUID uuid, String req, String reason) {
        LOG.info("no valid host for {}: {}", uuid, reason);
        return store.inTransaction(tx -> tx.lock(uuid).compose(row -> {
            if (row.isEmpty() || row.get().status() != Status.CREATING || row.get().host() != null) {
                return Future.<Void>succeededFuture();
            }
            Container next = row.get().toBuilder().status(Status.ERROR).statusReason(reason).taskState(null).build();
            return tx.save(row.get(), next, req)
                    .compose(saved -> actions.event(tx.connection(), uuid, req, "scheduler__select_destinations",
                            platform.clock().instant(), platform.clock().instant(), "Error", reason, true, reason));
        }));
    }

    @Override
    public Future<?> stop() {
        List<Future<Void>> stopping = new ArrayList<>();
        if (commands != null) {
            stopping.add(commands.stop());
        }
        if (hostEvents != null) {
            stopping.add(hostEvents.stop());
        }
        return Future.join(stopping);
    }

    private static final class AlreadyHandled extends RuntimeException {
        AlreadyHandled() {
            super(null, null, false, false);
        }
    }
}
