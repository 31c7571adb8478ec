package io.zunvx.scheduler.app;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.zunvx.model.ComputeNode;
import io.zunvx.model.Container;
import io.zunvx.model.ContainerCommand;
import io.zunvx.model.Status;
import io.zunvx.model.Topics;
import io.zunvx.model.ZunService;
import io.zunvx.platform.container.ContainerActionRepository;
import io.zunvx.platform.container.ContainerStore;
import io.zunvx.platform.events.Envelopes;
import io.zunvx.platform.host.ComputeNodeRepository;
import io.zunvx.platform.host.CpuPins;
import io.zunvx.platform.host.HostEvents;
import io.zunvx.platform.host.ServiceRepository;
import io.zunvx.scheduler.placement.CpuSet;
import io.zunvx.scheduler.placement.Decision;
import io.zunvx.scheduler.placement.FilterScheduler;
import io.zunvx.scheduler.placement.HostState;
import io.zunvx.scheduler.placement.NoValidHost;
import io.zunvx.scheduler.placement.Placed;
import io.zunvx.scheduler.placement.PlacementRequest;
import io.zunvx.scheduler.placement.SchedulerPolicy;
import io.zunvx.scheduler.placement.Snapshot;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler's effects around the pure {@link FilterScheduler}: an in-memory snapshot of every host (loaded from
 * PostgreSQL, kept current by host events), and the application of each decision in one transaction: a claim on the
 * chosen node whose capacity test is part of the update (no overcommit, however many schedulers race), the container's
 * host, and the {@code CreateContainer} command in the outbox. A claim that loses a race refreshes that host and
 * places again. Used from one Vert.x context.
 */
public final class PlacementService {
    private static final Logger LOG = LoggerFactory.getLogger(PlacementService.class);
    static final int MAX_ATTEMPTS = 10;

    private final Pool pool;
    private final ContainerStore store;
    private final FilterScheduler scheduler;
    private final SchedulerPolicy policy;
    private final Clock clock;
    private final ComputeNodeRepository nodes = new ComputeNodeRepository();
    private final ServiceRepository services = new ServiceRepository();
    private final ContainerActionRepository actions = new ContainerActionRepository();
    private final CpuPins pins = new CpuPins();
    private Snapshot snapshot = Snapshot.empty();

    public PlacementService(Pool pool, ContainerStore store, FilterScheduler scheduler, SchedulerPolicy policy,
                            Clock clock) {
        this.pool = pool;
        this.store = store;
        this.scheduler = scheduler;
        this.policy = policy;
        this.clock = clock;
    }

    public Snapshot snapshot() {
        return snapshot;
    }

    public SchedulerPolicy policy() {
        return policy;
    }

    /** Loads every compute node, its service and its pinned CPUs from PostgreSQL. */
    public Future<Void> reload() {
        return Future.all(nodes.list(pool), services.list(pool), pins.all(pool)).map(all -> {
            List<ComputeNode> ns = all.resultAt(0);
            List<ZunService> ss = all.resultAt(1);
            Map<String, List<Integer>> pinned = all.resultAt(2);
            Map<String, ZunService> byHost = new HashMap<>();
            ss.stream().filter(s -> ZunService.COMPUTE.equals(s.binary())).forEach(s -> byHost.put(s.host(), s));
            List<HostState> hosts = new ArrayList<>();
            ns.forEach(n -> hosts.add(HostState.of(n, byHost.get(n.hostname()))
                    .withPinned(CpuSet.of(pinned.getOrDefault(n.hostname(), List.of())))));
            snapshot = Snapshot.of(hosts);
            return null;
        });
    }

    /** Applies a {@code host.reported} or {@code host.service-changed} event. */
    public void onHostEvent(String type, JsonObject data) {
        if (HostEvents.SERVICE_CHANGED.equals(type)) {
            ZunService service = HostEvents.decodeService(data.getJsonObject("service"));
            if (service != null && ZunService.COMPUTE.equals(service.binary())) {
                HostState current = snapshot.get(service.host());
                if (current != null) {
                    snapshot = snapshot.with(current.withService(service));
                }
            }
            return;
        }
        HostEvents.Reported r;
        try {
            r = HostEvents.decode(data);
        } catch (RuntimeException e) {
            // A report that does not decode (or has impossible figures) is not applied; the next one will be.
            LOG.warn("host report ignored: {}", e.getMessage());
            return;
        }
        HostState current = snapshot.get(r.node().hostname());
        if (current != null && current.node().version() > r.node().version()) {
            // Claims newer than this report's figures are already here: keep them, take the heartbeat.
            snapshot = snapshot.with(current.withService(r.service()));
        } else {
            snapshot = snapshot.with(current == null ? HostState.of(r.node(), r.service())
                    : current.withNode(r.node()).withService(r.service()));
        }
    }

    private Future<Void> refreshHost(String hostname) {
        return Future.all(nodes.find(pool, hostname), services.find(pool, hostname, ZunService.COMPUTE),
                pins.ofHost(pool, hostname)).map(all -> {
            Optional<ComputeNode> n = all.resultAt(0);
            Optional<ZunService> s = all.resultAt(1);
            List<Integer> pinned = all.resultAt(2);
            snapshot = n.isPresent()
                    ? snapshot.with(HostState.of(n.get(), s.orElse(null)).withPinned(CpuSet.of(pinned)))
                    : snapshot.without(hostname);
            return null;
        });
    }

    /** Handles one placement request; idempotent (a placed container is left alone). */
    public Future<Void> schedule(UUID uuid, String req) {
        return store.find(uuid).compose(found -> {
            if (found.isEmpty() || found.get().status() != Status.CREATING || found.get().host() != null) {
                return Future.succeededFuture();
            }
            return attempt(found.get(), req, 1, false);
        });
    }

    private Future<Void> attempt(Container c, String req, int n, boolean reloaded) {
        Decision d = scheduler.place(snapshot, PlacementRequest.from(c), clock.instant());
        if (d instanceof NoValidHost none) {
            // Host events are a stream joined "from now": a host that registered while this scheduler was joining
            // is only in PostgreSQL. Look there once before answering "no valid host".
            return reloaded ? noValidHost(c.uuid(), req, none.reason())
                    : reload().compose(v -> attempt(c, req, n, true));
        }
        Placed p = (Placed) d;
        // Shared resources are guarded by the capacity test in the claim; dedicated CPUs also need the node unchanged.
        long expectedVersion = p.pinnedCpus().isEmpty() ? -1 : p.node().version();
        return store.inTransaction(tx -> nodes.claim(tx.connection(), p.hostname(), expectedVersion, p.memory(),
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
                        String cpuset = p.pinnedCpus().isEmpty() ? null : p.cpuset();
                        Container next = row.get().toBuilder().host(p.hostname()).claimed(true).cpuset(cpuset)
                                .build();
                        Instant now = clock.instant();
                        return pins.pin(tx.connection(), p.hostname(), c.uuid(), p.pinnedCpus())
                                .compose(v -> tx.save(row.get(), next, req))
                                .compose(saved -> actions.event(tx.connection(), c.uuid(), req,
                                        "scheduler__select_destinations", now, now, "Success", null, false, null))
                                .compose(v -> tx.publish(Envelopes.command(Topics.compute(p.hostname()),
                                        new ContainerCommand.CreateContainer(c.uuid(), req))))
                                .map(claimed);
                    });
                }))
                .compose(claimed -> {
                    if (claimed.isPresent()) {
                        HostState h = snapshot.get(p.hostname());
                        if (h != null) {
                            snapshot = snapshot.with(h.claim(p).withNode(claimed.get()));
                        }
                        return Future.<Void>succeededFuture();
                    }
                    if (n >= MAX_ATTEMPTS) {
                        return noValidHost(c.uuid(), req, "There are not enough hosts available: every chosen host "
                                + "was filled by other placements first (" + n + " attempts).");
                    }
                    return refreshHost(p.hostname()).compose(v -> attempt(c, req, n + 1, reloaded));
                })
                .recover(err -> {
                    if (err instanceof AlreadyHandled) {
                        return Future.succeededFuture();
                    }
                    if (err instanceof CpuPins.Taken && n < MAX_ATTEMPTS) {
                        // Another placement took one of those CPUs first: look at the host again and place again.
                        return refreshHost(p.hostname()).compose(v -> attempt(c, req, n + 1, reloaded));
                    }
                    return Future.failedFuture(err);
                });
    }

    private Future<Void> noValidHost(UUID uuid, String req, String reason) {
        LOG.info("no valid host for {}: {}", uuid, reason);
        return store.inTransaction(tx -> tx.lock(uuid).compose(row -> {
            if (row.isEmpty() || row.get().status() != Status.CREATING || row.get().host() != null) {
                return Future.<Void>succeededFuture();
            }
            Container next = row.get().toBuilder().status(Status.ERROR).statusReason(reason).taskState(null).build();
            Instant now = clock.instant();
            return tx.save(row.get(), next, req)
                    .compose(saved -> actions.event(tx.connection(), uuid, req, "scheduler__select_destinations",
                            now, now, "Error", reason, true, reason));
        }));
    }

    /**
     * A host whose service is down (silent or forced down) leaves its containers' real state unknown: they show
     * {@code Unknown} until the agent is back and its reconcile records Docker's view again.
     */
    public void markUnknownOnDownHosts() {
        Instant now = clock.instant();
        for (HostState h : snapshot.hosts()) {
            if (h.service() == null || h.service().isUp(now, policy.serviceDownTime())) {
                continue;
            }
            store.repository().byHost(pool, h.hostname()).onSuccess(rows -> rows.stream()
                    .filter(c -> c.status() != Status.UNKNOWN && c.status() != Status.DELETING
                            && c.status() != Status.CREATING && c.taskState() == null)
                    .forEach(c -> store.update(c.uuid(), null, x -> x.status() == Status.UNKNOWN
                            || x.taskState() != null || !h.hostname().equals(x.host()) ? x
                            : x.toBuilder().status(Status.UNKNOWN)
                                    .statusReason("The compute service on " + h.hostname() + " is down.").build())));
        }
    }

    private static final class AlreadyHandled extends RuntimeException {
        AlreadyHandled() {
            super(null, null, false, false);
        }
    }
}
