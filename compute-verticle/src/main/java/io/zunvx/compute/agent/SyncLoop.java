package io.zunvx.compute.agent;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.SqlClient;
import io.zunvx.compute.driver.ContainerDriver;
import io.zunvx.compute.driver.DockerEvent;
import io.zunvx.compute.driver.Observed;
import io.zunvx.model.Container;
import io.zunvx.model.Status;
import io.zunvx.platform.concurrent.Blocking;
import io.zunvx.platform.container.ContainerActionRepository;
import io.zunvx.platform.container.ContainerStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the database true to Docker on one host. It follows Docker's event stream, so a container that exits is
 * recorded within moments, and it reconciles everything on a timer: Docker's status wins; a container missing from
 * Docker becomes {@code Error}; a labelled container unknown to the database is removed once it has been seen for the
 * grace period. It also applies {@code auto_remove} and {@code auto_heal}.
 */
public final class SyncLoop {
    private static final Logger LOG = LoggerFactory.getLogger(SyncLoop.class);
    private static final Set<String> INTERESTING = Set.of("start", "die", "stop", "kill", "pause", "unpause", "oom",
            "destroy", "restart", "health_status");

    private final Vertx vertx;
    private final Context context;
    private final ContainerDriver driver;
    private final Blocking blocking;
    private final ContainerStore store;
    private final SqlClient sql;
    private final ContainerActionRepository actions;
    private final ContainerManager manager;
    private final KeyedSerial<UUID> serial;
    private final String host;
    private final Duration interval;
    private final Duration staleTask;
    private final Clock clock;

    private final Orphans orphans;
    private AutoCloseable events;
    private long timer = -1;
    private boolean stopped;
    private boolean reconciling;

    public SyncLoop(Vertx vertx, Context context, ContainerDriver driver, Blocking blocking, ContainerStore store,
                    ContainerActionRepository actions, ContainerManager manager, KeyedSerial<UUID> serial,
                    String host, Duration interval, Duration orphanGrace, Duration staleTask, Clock clock) {
        this.vertx = vertx;
        this.context = context;
        this.driver = driver;
        this.blocking = blocking;
        this.store = store;
        this.sql = store.transactions().statements();
        this.actions = actions;
        this.manager = manager;
        this.serial = serial;
        this.host = host;
        this.interval = interval;
        this.orphans = new Orphans(orphanGrace);
        this.staleTask = staleTask;
        this.clock = clock;
    }

    public Future<Void> start() {
        timer = vertx.setPeriodic(interval.toMillis(), id -> reconcile());
        return follow().onSuccess(v -> reconcile());
    }

    private Future<Void> follow() {
        if (stopped) {
            return Future.succeededFuture();
        }
        return blocking.run(context, () -> driver.events(host,
                        // docker-java's thread: hop back onto the agent's context before touching anything.
                        ev -> context.runOnContext(v -> onEvent(ev)),
                        err -> context.runOnContext(v -> {
                            if (!stopped) {
                                LOG.warn("Docker event stream ended ({}); following again", String.valueOf(err));
                                vertx.setTimer(1000, id -> follow());
                                reconcile();
                            }
                        })))
                .onSuccess(closeable -> events = closeable)
                .<Void>mapEmpty()
                .recover(err -> {
                    LOG.warn("cannot follow Docker events ({}); retrying", err.toString());
                    vertx.setTimer(1000, id -> follow());
                    return Future.succeededFuture();
                });
    }

    private void onEvent(DockerEvent ev) {
        String action = ev.action() == null ? "" : ev.action();
        String base = action.contains(":") ? action.substring(0, action.indexOf(':')) : action;
        if (ev.uuid() == null || !INTERESTING.contains(base)) {
            return;
        }
        UUID uuid;
        try {
            uuid = UUID.fromString(ev.uuid());
        } catch (IllegalArgumentException e) {
            return;
        }
        serial.submit(uuid, () -> refresh(uuid)).onFailure(err ->
                LOG.warn("could not record Docker event {} of {}: {}", action, uuid, err.toString()));
    }

    /**
     * Brings one container's row in line with Docker, inspecting it now (a listing taken earlier may be stale by the
     * time this runs in the container's queue). Rows with an operation in progress are left to that operation, which
     * records the outcome itself.
     */
    Future<Void> refresh(UUID uuid) {
        return store.find(uuid).compose(found -> {
            if (found.isEmpty() || !host.equals(found.get().host())) {
                return Future.<Void>succeededFuture();
            }
            Container c = found.get();
            // An operation in progress (including an API delete, which sets container_deleting) records its own
            // outcome; a container still being created has nothing in Docker to compare yet.
            if (c.taskState() != null || c.status() == Status.CREATING || c.containerId() == null) {
                return Future.<Void>succeededFuture();
            }
            return blocking.run(context, () -> driver.inspect(c.containerId())).compose(o -> apply(c, o));
        });
    }

    private Future<Void> apply(Container c, Optional<Observed> obs) {
        return switch (verdict(c, obs)) {
            case KEEP -> Future.succeededFuture();
            case AUTO_REMOVE -> manager.remove(c.uuid(), null, clock.instant());
            case HEAL -> heal(c);
            case MISSING -> store.update(c.uuid(), null, x -> x.taskState() != null ? x : x.toBuilder()
                    .status(Status.ERROR).statusReason("Docker container " + c.containerId() + " is missing")
                    .statusDetail(null).build()).mapEmpty();
            case RECORD -> {
                Observed o = obs.orElseThrow();
                yield store.update(c.uuid(), null, x -> x.taskState() != null ? x : x.toBuilder()
                        .status(o.status()).statusDetail(o.statusDetail())
                        .statusReason(o.oomKilled() ? "OOMKilled"
                                : o.error() == null || o.error().isEmpty() ? null : o.error())
                        .build()).<Void>mapEmpty();
            }
        };
    }

    /** What the sync loop does about a row (with no operation in progress) once it has Docker's view of it. */
    enum Verdict {
        /** Nothing: the row is true already, or Docker is removing the container and its destroy event follows. */
        KEEP,
        /** Docker has no container and the row asked for {@code auto_remove}: the row goes, its claim released. */
        AUTO_REMOVE,
        /** Docker has no container: the row becomes {@code Error} ("missing"). */
        MISSING,
        /** A running {@code auto_heal} container died on its own: it is started again. */
        HEAL,
        /** Docker's status (or healthcheck verdict) differs: it is recorded. */
        RECORD
    }

    static Verdict verdict(Container c, Optional<Observed> obs) {
        if (obs.isEmpty()) {
            if (c.autoRemove()) {
                return Verdict.AUTO_REMOVE;
            }
            return c.status() == Status.ERROR ? Verdict.KEEP : Verdict.MISSING;
        }
        Observed o = obs.get();
        if (o.status() == Status.DELETING) {
            // Docker is removing it (auto-remove or a removal outside the platform): its destroy event follows.
            return Verdict.KEEP;
        }
        if (c.status() == Status.ERROR && o.status() != Status.RUNNING && o.status() != Status.PAUSED) {
            // The platform judged it failed (a start that failed, an init container that exited non-zero): a
            // container that is not running does not say otherwise, and the reason stays.
            return Verdict.KEEP;
        }
        boolean died = o.status() == Status.STOPPED && c.status() == Status.RUNNING;
        if (died && c.autoHeal()) {
            return Verdict.HEAL;
        }
        if (o.status() == c.status() && !healthChanged(c, o)) {
            return Verdict.KEEP;
        }
        return Verdict.RECORD;
    }

    /**
     * Whether a listing shows the row out of date, so that it is looked at again: status only (the detail text, "Up 5
     * mins", changes with time, not with the state) and the healthcheck verdict; a row with a Docker id that Docker
     * does not list.
     */
    static boolean differs(Container c, Observed listed) {
        return listed == null ? c.containerId() != null
                : listed.status() != c.status() || healthChanged(c, listed);
    }

    /** Whether the healthcheck verdict the row shows in its status detail is no longer Docker's. */
    private static boolean healthChanged(Container c, Observed o) {
        String shown = o.status() == Status.RUNNING ? o.health() : null;
        return !Objects.equals(shown, Observed.healthShownIn(c.statusDetail()));
    }

    /** auto_heal: a container that died on its own is started again, and its action log says so. */
    private Future<Void> heal(Container c) {
        String req = "req-" + UUID.randomUUID();
        Instant started = clock.instant();
        LOG.info("auto_heal: restarting {} which exited unexpectedly", c.uuid());
        return actions.start(sql, c.uuid(), req, "start", c.projectId(), c.userId(), started)
                .compose(v -> blocking.run(context, () -> {
                    driver.start(c.containerId());
                    return driver.inspect(c.containerId());
                }))
                .compose(obs -> store.inTransaction(tx -> tx.lock(c.uuid()).compose(found -> {
                    if (found.isEmpty()) {
                        return Future.<Void>succeededFuture();
                    }
                    Container prev = found.get();
                    Container next = obs.map(o -> prev.toBuilder().status(o.status()).statusDetail(o.statusDetail()))
                            .orElse(prev.toBuilder().status(Status.ERROR)).build();
                    return tx.save(prev, next, req).compose(saved -> actions.event(tx.connection(), c.uuid(), req,
                            "compute__do_container_auto_heal", started, clock.instant(), "Success", null, true,
                            "auto_heal restarted the container after it exited"));
                })));
    }

    /** Full comparison of the host's rows and Docker's containers. */
    void reconcile() {
        if (reconciling || stopped) {
            return;
        }
        reconciling = true;
        Future.all(store.onHost(host),
                        blocking.run(context, () -> driver.listManaged(host)))
                .compose(all -> {
                    List<Container> rows = all.resultAt(0);
                    List<Observed> docker = all.resultAt(1);
                    Map<String, Observed> byUuid = new HashMap<>();
                    for (Observed o : docker) {
                        String u = o.labels().get(Container.LABEL_UUID);
                        if (u != null) {
                            byUuid.put(u, o);
                        }
                    }
                    Set<String> known = new HashSet<>();
                    Instant staleBefore = clock.instant().minus(staleTask);
                    for (Container c : rows) {
                        known.add(c.uuid().toString());
                        if (stale(c, staleBefore)) {
                            serial.submit(c.uuid(), () -> recoverStale(c.uuid(), staleBefore));
                            continue;
                        }
                        if (differs(c, byUuid.get(c.uuid().toString()))) {
                            serial.submit(c.uuid(), () -> refresh(c.uuid()));
                        }
                    }
                    return removeOrphans(byUuid, known);
                })
                .onComplete(ar -> {
                    reconciling = false;
                    if (ar.failed()) {
                        LOG.warn("reconcile on {} failed: {}", host, ar.cause().toString());
                    }
                });
    }

    /**
     * An operation that has shown no progress for {@link #staleTask} and has nothing queued here was given up (its
     * command went to the dead-letter topic after every retry failed): the row must not stay in that task forever.
     */
    private boolean stale(Container c, Instant staleBefore) {
        return staleRow(c, staleBefore) && !serial.busy(c.uuid());
    }

    static boolean staleRow(Container c, Instant staleBefore) {
        Instant last = c.updatedAt() != null ? c.updatedAt() : c.createdAt();
        boolean inProgress = c.taskState() != null || c.status() == Status.CREATING || c.status() == Status.DELETING;
        return inProgress && last != null && last.isBefore(staleBefore);
    }

    private Future<Void> recoverStale(UUID uuid, Instant staleBefore) {
        return store.find(uuid).compose(found -> {
            // Re-read inside the container's queue: a command may have made progress since the listing.
            if (found.isEmpty() || !staleRow(found.get(), staleBefore)) {
                return Future.<Void>succeededFuture();
            }
            Container c = found.get();
            String what = c.taskState() != null ? c.taskState().wire() : c.status().wire().toLowerCase();
            Future<Optional<Observed>> obs = c.containerId() == null ? Future.succeededFuture(Optional.empty())
                    : blocking.run(context, () -> driver.inspect(c.containerId()));
            return obs.compose(o -> {
                LOG.warn("container {} was stuck in {} since {}; recording Docker's state", uuid, what,
                        c.updatedAt() != null ? c.updatedAt() : c.createdAt());
                if (o.isEmpty() && c.status() == Status.DELETING) {
                    return manager.remove(uuid, null, clock.instant());
                }
                return store.update(uuid, null, x -> x.toBuilder().taskState(null)
                        .status(o.map(Observed::status).orElse(Status.ERROR))
                        .statusDetail(o.map(Observed::statusDetail).orElse(null))
                        .statusReason("The " + what + " operation did not complete; Docker's state was recorded.")
                        .build()).mapEmpty();
            });
        });
    }

    private Future<Void> removeOrphans(Map<String, Observed> byUuid, Set<String> known) {
        Future<Void> chain = Future.succeededFuture();
        for (Observed orphan : orphans.due(byUuid, known, clock.instant())) {
            String id = orphan.id();
            String uuid = orphan.labels().get(Container.LABEL_UUID);
            // Checked against the database once more right before removal: a create may have just recorded it.
            chain = chain.compose(v -> store.find(UUID.fromString(uuid)).compose(found -> found.isPresent()
                    ? Future.succeededFuture()
                    : blocking.run(context, () -> {
                        LOG.info("removing orphan Docker container {} (zunvx.uuid={})", id, uuid);
                        driver.remove(id, true);
                        return null;
                    }).mapEmpty()));
        }
        return chain;
    }

    public void stop() {
        stopped = true;
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        if (events != null) {
            try {
                events.close();
            } catch (Exception e) {
                LOG.debug("closing Docker event stream", e);
            }
        }
    }
}
