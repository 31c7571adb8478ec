package io.zunvx.scheduler.claim;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.zunvx.model.ComputeNode;
import io.zunvx.model.Container;
import io.zunvx.model.ContainerCommand;
import io.zunvx.model.Status;
import io.zunvx.model.Topics;
import io.zunvx.model.ZunService;
import io.zunvx.platform.container.ContainerActionRepository;
import io.zunvx.platform.container.ContainerStore;
import io.zunvx.platform.db.Transactions;
import io.zunvx.platform.events.Envelopes;
import io.zunvx.platform.host.ComputeNodeRepository;
import io.zunvx.platform.host.CpuPins;
import io.zunvx.platform.host.HostEvents;
import io.zunvx.platform.host.ServiceRepository;
import io.zunvx.platform.outbox.OutboxMessage;
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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler's effects around the pure {@link FilterScheduler}: an in-memory snapshot of every host (loaded from
 * PostgreSQL, kept current by host events), and the application of its decisions with group commit.
 *
 * <p>Requests queue up while a batch is in flight; the next batch (at most {@link #MAX_BATCH}) is placed on the
 * snapshot one request after another, each seeing the claims of those before it, and committed in one transaction of
 * multi-row statements: the containers locked, one conditional claim per host whose capacity test (the batch's claims
 * on that host summed) is part of the update, so no host is overcommitted however many schedulers race; the
 * containers' host with their state events and {@code CreateContainer} commands in the outbox; the action events. A
 * host whose claim fails is re-read and only its requests are placed again; the others commit. Requests for dedicated
 * CPUs are placed one at a time after the batch ({@link ComputeNodeRepository#claim} on the node's version, then
 * {@code cpu_pins}). Used from one Vert.x context.
 */
public final class PlacementService {
    private static final Logger LOG = LoggerFactory.getLogger(PlacementService.class);
    static final int MAX_ATTEMPTS = 10;
    /** Most requests placed and committed together. */
    static final int MAX_BATCH = 256;
    /** Batches in flight at once: while one claims and commits, the next is placed. */
    static final int MAX_IN_FLIGHT = 2;
    static final String SELECT_DESTINATIONS = "scheduler__select_destinations";

    private final Transactions db;
    private final ContainerStore store;
    private final FilterScheduler scheduler;
    private final SchedulerPolicy policy;
    private final Clock clock;
    private final ComputeNodeRepository nodes = new ComputeNodeRepository();
    private final ServiceRepository services = new ServiceRepository();
    private final ContainerActionRepository actions = new ContainerActionRepository();
    private final CpuPins pins = new CpuPins();
    private Snapshot snapshot = Snapshot.empty();
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    /** Batches between taking their requests and settling them; at most {@link #MAX_IN_FLIGHT}. */
    private final List<Batch> inFlight = new ArrayList<>(MAX_IN_FLIGHT);
    private boolean kicked;
    /** Running means (weight 1/4 for the newest): placing one request, and claiming and committing one batch. */
    private long placeNanos;
    private long commitNanos = 2_000_000;
    private volatile long placements;
    private volatile long batches;
    private volatile long claimsLost;

    public PlacementService(Transactions db, ContainerStore store, FilterScheduler scheduler, SchedulerPolicy policy,
                            Clock clock) {
        this.db = db;
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

    /** Containers this instance placed (claims committed) since it started. */
    public long placements() {
        return placements;
    }

    /** Batches this instance committed since it started. */
    public long batches() {
        return batches;
    }

    /** Placements whose host claim failed in their batch (the host was fuller than the snapshot said). */
    public long claimsLost() {
        return claimsLost;
    }

    /** Loads every compute node, its service and its pinned CPUs from PostgreSQL. */
    public Future<Void> reload() {
        return db.withoutTransaction(c -> Future.all(nodes.list(c), services.list(c), pins.all(c))).map(all -> {
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
        return db.withoutTransaction(c -> Future.all(nodes.find(c, hostname),
                services.find(c, hostname, ZunService.COMPUTE), pins.ofHost(c, hostname))).map(all -> {
            Optional<ComputeNode> n = all.resultAt(0);
            Optional<ZunService> s = all.resultAt(1);
            List<Integer> pinned = all.resultAt(2);
            snapshot = n.isPresent()
                    ? snapshot.with(HostState.of(n.get(), s.orElse(null)).withPinned(CpuSet.of(pinned)))
                    : snapshot.without(hostname);
            return null;
        });
    }

    /**
     * Handles one placement request; idempotent (a placed container is left alone). The request joins the queue;
     * the Future completes once its container is placed, in {@code Error}, or found already handled.
     */
    public Future<Void> schedule(UUID uuid, String req) {
        Pending p = new Pending(uuid, req);
        queue.addLast(p);
        kick();
        return p.done.future();
    }

    /**
     * Starts a batch if fewer than {@link #MAX_IN_FLIGHT} are in flight; deferred one turn so that the requests
     * handed over together join it.
     */
    private void kick() {
        if (kicked || inFlight.size() >= MAX_IN_FLIGHT || queue.isEmpty()) {
            return;
        }
        kicked = true;
        Context ctx = Vertx.currentContext();
        if (ctx != null) {
            ctx.runOnContext(v -> flush());
        } else {
            flush();
        }
    }

    /** Takes the next batch (at most {@link #MAX_BATCH}, one entry per container) and runs it. */
    private void flush() {
        kicked = false;
        if (inFlight.size() >= MAX_IN_FLIGHT || queue.isEmpty()) {
            return;
        }
        Map<UUID, Pending> taken = new LinkedHashMap<>();
        // With nothing in flight, and placing the whole queue would take longer than committing a batch (many hosts
        // to scan), take half: the other half is placed while the first half commits.
        int limit = Math.min(MAX_BATCH, inFlight.isEmpty() && queue.size() * placeNanos > commitNanos
                ? (queue.size() + 1) / 2 : queue.size());
        while (!queue.isEmpty() && taken.size() < limit) {
            Pending p = queue.pollFirst();
            Pending first = taken.putIfAbsent(p.uuid, p);
            if (first != null) {
                // The same container twice (a re-delivery): one placement answers both.
                first.done.future().onComplete(ar -> settle(p.done, ar));
            }
        }
        Batch batch = new Batch(new ArrayList<>(taken.values()));
        inFlight.add(batch);
        Future<Void> run;
        try {
            run = runBatch(batch);
        } catch (RuntimeException e) {
            run = Future.failedFuture(e);
        }
        run.onComplete(ar -> {
            inFlight.remove(batch);
            if (ar.failed()) {
                // Nothing of the batch was committed: the record loop retries each request.
                LOG.warn("placement batch of {} failed: {}", batch.requests.size(), ar.cause().toString());
                batch.requests.forEach(p -> p.done.tryFail(ar.cause()));
            }
            kick();
        });
        kick();
    }

    /**
     * One batch: lock the containers, place them one after another on a working copy of the snapshot (each sees
     * the claims of those before it, and of the other batch in flight), claim per host in one statement, and record
     * the placements (rows, state events, action events, {@code CreateContainer} commands) in the same transaction.
     * Then retry what lost a claim, reload for what found no host before a reload, and place dedicated requests one
     * at a time.
     */
    private Future<Void> runBatch(Batch batch) {
        List<UUID> ids = new ArrayList<>(batch.requests.size());
        batch.requests.forEach(p -> ids.add(p.uuid));
        long[] placedAt = new long[1];
        return store.inTransaction(tx -> tx.lockAll(ids).compose(rows -> {
                    Map<UUID, Container> byId = new HashMap<>();
                    rows.forEach(c -> byId.put(c.uuid(), c));
                    Instant now = clock.instant();
                    long t0 = System.nanoTime();
                    List<ComputeNodeRepository.Claim> claims = placeAll(batch, byId, now);
                    placedAt[0] = System.nanoTime();
                    if (!claims.isEmpty()) {
                        placeNanos += ((placedAt[0] - t0) / claims.size() - placeNanos) / 4;
                    }
                    return nodes.claimAll(tx.connection(), claims, policy.cpuAllocationRatio(),
                                    policy.ramAllocationRatio(), policy.diskAllocationRatio())
                            .compose(claimed -> record(tx, batch.requests, claimed, now).map(claimed));
                }))
                .compose(claimed -> {
                    commitNanos += (System.nanoTime() - placedAt[0] - commitNanos) / 4;
                    return afterCommit(batch, claimed);
                });
    }

    /**
     * Places the batch's shared requests on a working copy of the snapshot that also holds the claims of the other
     * batch in flight (not committed yet, maybe never: that only makes this batch more careful); the claims to
     * make, per placement.
     */
    private List<ComputeNodeRepository.Claim> placeAll(Batch batch, Map<UUID, Container> rows, Instant now) {
        Snapshot work = snapshot;
        for (Batch other : inFlight) {
            if (other != batch) {
                for (Placed p : other.claims) {
                    if (work.contains(p.hostname())) {
                        work = work.withClaim(p);
                    }
                }
            }
        }
        List<ComputeNodeRepository.Claim> claims = new ArrayList<>();
        for (Pending p : batch.requests) {
            Container c = rows.get(p.uuid);
            p.container = c;
            p.placed = null;
            if (c == null || c.status() != Status.CREATING || c.host() != null) {
                p.outcome = Outcome.ALREADY_HANDLED;
                continue;
            }
            try {
                PlacementRequest request = PlacementRequest.from(c);
                if (request.dedicated()) {
                    // Dedicated CPUs are chosen id by id against cpu_pins: placed one at a time after the batch.
                    p.outcome = Outcome.DEDICATED;
                    continue;
                }
                Decision d = scheduler.place(work, request, now);
                if (d instanceof NoValidHost none) {
                    p.outcome = p.reloaded ? Outcome.NO_VALID_HOST : Outcome.RELOAD;
                    p.reason = none.reason();
                    continue;
                }
                Placed placed = (Placed) d;
                p.placed = placed;
                p.outcome = Outcome.PLACED;
                work = work.withClaim(placed);
                batch.claims.add(placed);
                claims.add(new ComputeNodeRepository.Claim(placed.hostname(), placed.memory(), placed.cpu(),
                        placed.disk()));
            } catch (RuntimeException e) {
                p.outcome = Outcome.FAILED;
                p.error = e;
            }
        }
        return claims;
    }

    /** In the batch's transaction: the placements whose host claim went through, and the final "no valid host"s. */
    private Future<Void> record(ContainerStore.Tx tx, List<Pending> batch, Map<String, ComputeNode> claimed,
                                Instant now) {
        List<Container> prevs = new ArrayList<>();
        List<Container> nexts = new ArrayList<>();
        List<String> requests = new ArrayList<>();
        List<UUID> uuids = new ArrayList<>();
        List<OutboxMessage> commands = new ArrayList<>();
        boolean anyLost = false;
        for (Pending p : batch) {
            if (p.outcome != Outcome.PLACED) {
                continue;
            }
            String host = p.placed.hostname();
            if (!claimed.containsKey(host)) {
                p.outcome = Outcome.LOST;
                anyLost = true;
                continue;
            }
            prevs.add(p.container);
            nexts.add(p.container.toBuilder().host(host).claimed(true).cpuset(null).build());
            requests.add(p.req);
            uuids.add(p.uuid);
            commands.add(Envelopes.command(Topics.compute(host),
                    new ContainerCommand.CreateContainer(p.uuid, p.req)));
        }
        List<Container> errPrevs = new ArrayList<>();
        List<Container> errNexts = new ArrayList<>();
        List<String> errRequests = new ArrayList<>();
        for (Pending p : batch) {
            if (p.outcome != Outcome.NO_VALID_HOST) {
                continue;
            }
            if (anyLost) {
                // Hosts this request could not have were maybe only full in the working copy, by placements whose
                // claims then failed: look again rather than answer "no valid host".
                p.outcome = Outcome.RETRY;
                continue;
            }
            errPrevs.add(p.container);
            errNexts.add(p.container.toBuilder().status(Status.ERROR).statusReason(p.reason).taskState(null)
                    .build());
            errRequests.add(p.req);
        }
        List<Future<?>> writes = new ArrayList<>();
        if (!prevs.isEmpty()) {
            writes.add(tx.saveAll(prevs, nexts, requests, commands));
            writes.add(actions.events(tx.connection(), uuids, requests, SELECT_DESTINATIONS, now, now, "Success"));
        }
        if (!errPrevs.isEmpty()) {
            writes.add(tx.saveAll(errPrevs, errNexts, errRequests));
            for (int i = 0; i < errPrevs.size(); i++) {
                String reason = errNexts.get(i).statusReason();
                LOG.info("no valid host for {}: {}", errPrevs.get(i).uuid(), reason);
                writes.add(actions.event(tx.connection(), errPrevs.get(i).uuid(), errRequests.get(i),
                        SELECT_DESTINATIONS, now, now, "Error", reason, true, reason));
            }
        }
        return Future.all(writes).mapEmpty();
    }

    /** After the commit: the claimed nodes into the snapshot, answers, and what must be tried again. */
    private Future<Void> afterCommit(Batch done, Map<String, ComputeNode> claimed) {
        // Its claims are now in the nodes below (or were refused): no longer held for the other batch.
        done.claims.clear();
        claimed.forEach((host, node) -> {
            HostState h = snapshot.get(host);
            // The other batch may have committed later on the same host and been applied first.
            if (h != null && node.version() >= h.node().version()) {
                snapshot = snapshot.with(h.withNode(node));
            }
        });
        batches++;
        List<Pending> batch = done.requests;
        List<Pending> again = new ArrayList<>();
        List<Pending> toReload = new ArrayList<>();
        List<Pending> exhausted = new ArrayList<>();
        List<Pending> dedicated = new ArrayList<>();
        Set<String> lostHosts = new TreeSet<>();
        for (Pending p : batch) {
            switch (p.outcome) {
                case PLACED -> {
                    placements++;
                    p.done.tryComplete();
                }
                case ALREADY_HANDLED, NO_VALID_HOST -> p.done.tryComplete();
                case FAILED -> p.done.tryFail(p.error);
                case LOST, RETRY -> {
                    if (p.outcome == Outcome.LOST) {
                        lostHosts.add(p.placed.hostname());
                        claimsLost++;
                    }
                    if (++p.attempts >= MAX_ATTEMPTS) {
                        exhausted.add(p);
                    } else {
                        again.add(p);
                    }
                }
                case RELOAD -> toReload.add(p);
                case DEDICATED -> dedicated.add(p);
            }
        }
        if (!lostHosts.isEmpty()) {
            LOG.debug("claims lost on {}; placing {} request(s) again", lostHosts, again.size());
        }
        Future<Void> refreshed = Future.join(lostHosts.stream().map(this::refreshHost).toList())
                .<Void>mapEmpty().otherwiseEmpty();
        Future<Void> reloaded = toReload.isEmpty() ? Future.succeededFuture()
                : refreshed.compose(v -> reload()).onSuccess(v -> toReload.forEach(p -> {
                    p.reloaded = true;
                    again.add(p);
                })).onFailure(err -> toReload.forEach(p -> p.done.tryFail(err)))
                        .otherwiseEmpty();
        return refreshed.compose(v -> reloaded).compose(v -> {
            // Back to the front of the queue, in their order: they were waiting longest.
            for (int i = again.size() - 1; i >= 0; i--) {
                queue.addFirst(again.get(i));
            }
            Future<Void> chain = Future.succeededFuture();
            for (Pending p : exhausted) {
                chain = chain.compose(v2 -> noValidHost(p.uuid, p.req, "There are not enough hosts available: "
                                + "every chosen host was filled by other placements first (" + p.attempts
                                + " attempts).").onComplete(ar -> settle(p.done, ar)).otherwiseEmpty());
            }
            for (Pending p : dedicated) {
                chain = chain.compose(v2 -> attempt(p.container, p.req, 1, false).onComplete(ar -> settle(p.done, ar))
                        .otherwiseEmpty());
            }
            return chain;
        });
    }

    private static void settle(Promise<Void> p, AsyncResult<Void> ar) {
        if (ar.succeeded()) {
            p.tryComplete();
        } else {
            p.tryFail(ar.cause());
        }
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
        // The container row is locked before the node, as batches do, so that the two never wait for each other.
        return store.inTransaction(tx -> tx.lock(c.uuid()).compose(row -> {
                    if (row.isEmpty() || row.get().status() != Status.CREATING || row.get().host() != null) {
                        return Future.<Optional<ComputeNode>>failedFuture(new AlreadyHandled());
                    }
                    return nodes.claim(tx.connection(), p.hostname(), expectedVersion, p.memory(), p.cpu(), p.disk(),
                            policy.cpuAllocationRatio(), policy.ramAllocationRatio(), policy.diskAllocationRatio())
                            .compose(claimed -> claimed.isEmpty()
                                    ? Future.succeededFuture(Optional.<ComputeNode>empty())
                                    : recordDedicated(tx, row.get(), p, req).map(claimed));
                }))
                .compose(claimed -> {
                    if (claimed.isPresent()) {
                        HostState h = snapshot.get(p.hostname());
                        if (h != null) {
                            snapshot = snapshot.with(h.claim(p).withNode(claimed.get()));
                        }
                        placements++;
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

    /** In the claim's transaction: the pins, the container's host and cpuset, the action event, the command. */
    private Future<Void> recordDedicated(ContainerStore.Tx tx, Container row, Placed p, String req) {
        String cpuset = p.pinnedCpus().isEmpty() ? null : p.cpuset();
        Container next = row.toBuilder().host(p.hostname()).claimed(true).cpuset(cpuset).build();
        Instant now = clock.instant();
        return pins.pin(tx.connection(), p.hostname(), row.uuid(), p.pinnedCpus())
                .compose(v -> tx.save(row, next, req))
                .compose(saved -> actions.event(tx.connection(), row.uuid(), req, SELECT_DESTINATIONS, now, now,
                        "Success", null, false, null))
                .compose(v -> tx.publish(Envelopes.command(Topics.compute(p.hostname()),
                        new ContainerCommand.CreateContainer(row.uuid(), req))));
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
                    .compose(saved -> actions.event(tx.connection(), uuid, req, SELECT_DESTINATIONS,
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
            store.onHost(h.hostname()).onSuccess(rows -> rows.stream()
                    .filter(c -> c.status() != Status.UNKNOWN && c.status() != Status.DELETING
                            && c.status() != Status.CREATING && c.taskState() == null)
                    .forEach(c -> store.update(c.uuid(), null, x -> x.status() == Status.UNKNOWN
                            || x.taskState() != null || !h.hostname().equals(x.host()) ? x
                            : x.toBuilder().status(Status.UNKNOWN)
                                    .statusReason("The compute service on " + h.hostname() + " is down.").build())));
        }
    }

    /** What became of a request in its batch. */
    private enum Outcome {
        /** Gone, no longer {@code Creating}, or placed already: nothing to do. */
        ALREADY_HANDLED,
        /** Placed on the working snapshot; becomes {@link #LOST} if its host's claim fails. */
        PLACED,
        /** Its host's claim failed: that host is re-read and the request placed again. */
        LOST,
        /** Found no host, but placements of the batch lost claims: placed again. */
        RETRY,
        /** Found no host before any reload: the snapshot is reloaded and the request placed again. */
        RELOAD,
        /** Found no host after a reload: recorded as {@code Error}. */
        NO_VALID_HOST,
        /** Dedicated CPUs: placed on its own after the batch. */
        DEDICATED,
        /** The request could not be read or placed. */
        FAILED
    }

    /** Requests taken together, and the placements of theirs not applied to the snapshot yet. */
    private static final class Batch {
        final List<Pending> requests;
        final List<Placed> claims = new ArrayList<>();

        Batch(List<Pending> requests) {
            this.requests = requests;
        }
    }

    /** A request waiting in the queue or in a batch. */
    private static final class Pending {
        final UUID uuid;
        final String req;
        final Promise<Void> done = Promise.promise();
        /** Claims lost so far. */
        int attempts;
        boolean reloaded;
        // Set by each batch the request is in.
        Container container;
        Placed placed;
        Outcome outcome;
        String reason;
        RuntimeException error;

        Pending(UUID uuid, String req) {
            this.uuid = uuid;
            this.req = req;
        }
    }

    private static final class AlreadyHandled extends RuntimeException {
        AlreadyHandled() {
            super(null, null, false, false);
        }
    }
}
