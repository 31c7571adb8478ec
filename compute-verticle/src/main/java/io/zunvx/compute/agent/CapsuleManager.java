package io.zunvx.compute.agent;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import io.zunvx.compute.driver.ContainerDriver;
import io.zunvx.compute.driver.Observed;
import io.zunvx.model.Capsule;
import io.zunvx.model.Container;
import io.zunvx.model.ContainerCommand;
import io.zunvx.model.RestartPolicy;
import io.zunvx.model.Status;
import io.zunvx.platform.capsule.CapsuleEvents;
import io.zunvx.platform.capsule.CapsuleRepository;
import io.zunvx.platform.concurrent.Blocking;
import io.zunvx.platform.container.ContainerRepository;
import io.zunvx.platform.container.ContainerStore;
import io.zunvx.platform.db.Transactions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings up the capsules whose sandbox runs on this host, and finishes their deletes.
 *
 * <p>The sandbox is created like any container (scheduled with the capsule's resources, given its network and
 * ports). Once it runs, {@link #launch} places the capsule's other containers on this host, runs the init
 * containers one after another to completion (each joined to the sandbox's namespaces; a failed run is started
 * again as its restart policy allows: {@code on-failure} with N retries gives 1 + N runs, 0 retries runs without
 * end, {@code no} runs once; a final failure makes it {@code Error} and the main containers are not started), then
 * creates and starts the main containers. Every step is judged against the rows and Docker, so a launch interrupted
 * by a crash is simply run again by {@link #resume}, which the agent calls on a timer.
 */
public final class CapsuleManager {
    private static final Logger LOG = LoggerFactory.getLogger(CapsuleManager.class);
    private static final long POLL_MS = 300;

    private final Vertx vertx;
    private final Context context;
    private final ContainerManager manager;
    private final ContainerDriver containers;
    private final Blocking blocking;
    private final ContainerStore store;
    private final SqlClient sql;
    private final CapsuleRepository capsules;
    private final ContainerRepository rows = new ContainerRepository();
    private final KeyedSerial<UUID> serial;
    private final String host;
    private final Duration interval;
    private final Clock clock;
    private final Set<UUID> launching = ConcurrentHashMap.newKeySet();
    private long timer = -1;

    public CapsuleManager(Vertx vertx, Context context, ContainerManager manager, ContainerDriver containers,
                          Blocking blocking, ContainerStore store, Transactions db, CapsuleRepository capsules,
                          KeyedSerial<UUID> serial, String host, Duration interval, Clock clock) {
        this.vertx = vertx;
        this.context = context;
        this.manager = manager;
        this.containers = containers;
        this.blocking = blocking;
        this.store = store;
        this.sql = db.statements();
        this.capsules = capsules;
        this.serial = serial;
        this.host = host;
        this.interval = interval;
        this.clock = clock;
    }

    public Future<Void> start() {
        timer = vertx.setPeriodic(interval.toMillis(), id -> resume());
        return Future.succeededFuture();
    }

    public void stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /**
     * Handles a container command and then what it means for a capsule: a sandbox that now runs gets its containers
     * launched (in the background: init containers may take long); a capsule's last container removed takes the
     * capsule's row with it.
     */
    public Future<Void> handle(ContainerCommand cmd) {
        Future<Optional<Container>> before = cmd instanceof ContainerCommand.DeleteContainer
                ? store.find(cmd.uuid()) : Future.succeededFuture(Optional.empty());
        return before.compose(prev -> serial.submit(cmd.uuid(), () -> manager.handle(cmd)).compose(v -> {
            if (cmd instanceof ContainerCommand.CreateContainer) {
                return store.find(cmd.uuid()).map(now -> {
                    if (now.isPresent() && now.get().isSandbox() && now.get().status() == Status.RUNNING) {
                        launchInBackground(now.get().capsuleId(), cmd.requestId());
                    }
                    return null;
                });
            }
            if (prev.isPresent() && prev.get().inCapsule()) {
                return finishDelete(prev.get().capsuleId(), cmd.requestId());
            }
            return Future.succeededFuture();
        }));
    }

    /** Launches pending capsules of this host and finishes deletes left half-way; called on a timer. */
    public Future<Void> resume() {
        return sql.preparedQuery("""
                        SELECT s.capsule_id FROM containers s
                        WHERE s.capsule_role = 'sandbox' AND s.host = $1 AND s.status = 'Running'
                          AND EXISTS (SELECT 1 FROM containers m WHERE m.capsule_id = s.capsule_id
                                      AND m.capsule_role <> 'sandbox'
                                      AND (m.status = 'Creating'
                                           OR m.status = 'Created' AND m.run AND m.status_reason IS NULL
                                           OR m.capsule_role = 'init' AND m.status = 'Running'))
                          AND EXISTS (SELECT 1 FROM capsules c WHERE c.uuid = s.capsule_id
                                      AND c.task_state IS NULL)""")
                .execute(Tuple.of(host))
                .compose(rs -> {
                    rs.forEach(r -> launchInBackground(r.getUUID(0), null));
                    return capsules.deletingWithoutContainers(sql);
                })
                .compose(left -> {
                    Future<Void> chain = Future.succeededFuture();
                    for (Capsule c : left) {
                        chain = chain.compose(v -> finishDelete(c.uuid(), null));
                    }
                    return chain;
                })
                .recover(err -> {
                    LOG.warn("capsule sweep on {} failed: {}", host, err.toString());
                    return Future.succeededFuture();
                });
    }

    private void launchInBackground(UUID capsule, String req) {
        if (!launching.add(capsule)) {
            return;
        }
        launch(capsule, req).onComplete(ar -> {
            launching.remove(capsule);
            if (ar.failed()) {
                LOG.warn("launch of capsule {} on {} stopped: {}", capsule, host, ar.cause().toString());
            }
        });
    }

    /** Places the capsule's containers here, runs the init containers to completion, then starts the others. */
    Future<Void> launch(UUID capsule, String req) {
        return rows.byCapsule(sql, capsule).compose(all -> {
            Future<Void> placed = Future.succeededFuture();
            for (Container c : all) {
                if (!c.isSandbox() && c.host() == null) {
                    placed = placed.compose(v -> store.update(c.uuid(), req, x -> x.host() != null ? x
                            : x.toBuilder().host(host).build()).mapEmpty());
                }
            }
            return placed;
        }).compose(v -> rows.byCapsule(sql, capsule)).compose(all -> {
            List<Container> init = all.stream().filter(c -> Container.ROLE_INIT.equals(c.capsuleRole())).toList();
            List<Container> mains = all.stream().filter(c -> Container.ROLE_CONTAINER.equals(c.capsuleRole()))
                    .toList();
            Future<Boolean> ok = Future.succeededFuture(true);
            for (Container c : init) {
                ok = ok.compose(good -> good ? runInit(c, req) : Future.succeededFuture(false));
            }
            return ok.compose(good -> good ? startAll(capsule, mains, req) : notStarted(mains, init, req));
        });
    }

    private Future<Void> startAll(UUID capsule, List<Container> mains, String req) {
        Future<Void> chain = Future.succeededFuture();
        for (Container c : mains) {
            chain = chain.compose(v -> stillWanted(capsule)).compose(wanted -> !wanted ? Future.succeededFuture()
                    : store.find(c.uuid()).compose(now -> now.isEmpty() ? Future.succeededFuture()
                            : serial.submit(c.uuid(), () -> bringUp(now.get(), req))));
        }
        return chain.compose(v -> publish(capsule, req));
    }

    /**
     * Creates (and so starts) a container still {@code Creating}, reusing the Docker container an interrupted create
     * left; starts one the stale-task repair recorded as {@code Created}; leaves any other as it is.
     */
    private Future<Void> bringUp(Container c, String req) {
        if (c.status() == Status.CREATING) {
            return manager.handle(new ContainerCommand.CreateContainer(c.uuid(), req));
        }
        if (c.status() == Status.CREATED && c.run() && c.containerId() != null) {
            return manager.handle(new ContainerCommand.StartContainer(c.uuid(), req));
        }
        return Future.succeededFuture();
    }

    private Future<Void> notStarted(List<Container> mains, List<Container> init, String req) {
        String failed = init.stream().map(Container::name).reduce((a, b) -> b).orElse("?");
        Future<Void> chain = Future.succeededFuture();
        for (Container c : mains) {
            chain = chain.compose(v -> store.update(c.uuid(), req, x -> x.status() != Status.CREATING ? x
                    : x.toBuilder().status(Status.ERROR).statusReason("not started: an init container of the "
                            + "capsule failed (" + failed + ")").build()).mapEmpty());
        }
        return chain.compose(v -> init.isEmpty() ? Future.succeededFuture()
                : publish(init.getFirst().capsuleId(), req));
    }

    /** Runs one init container until it exits 0 ({@code true}) or has failed for good ({@code false}). */
    private Future<Boolean> runInit(Container c, String req) {
        return store.find(c.uuid()).compose(found -> {
            if (found.isEmpty()) {
                return Future.succeededFuture(false);
            }
            Container now = found.get();
            if (now.status() == Status.ERROR) {
                return Future.succeededFuture(false);
            }
            Future<Void> created = now.containerId() != null && now.status() != Status.CREATED
                    ? Future.succeededFuture() : serial.submit(c.uuid(), () -> bringUp(now, req));
            return created.compose(v -> store.find(c.uuid())).compose(after -> {
                if (after.isEmpty() || after.get().containerId() == null) {
                    return Future.succeededFuture(false);
                }
                return waitFor(after.get(), 1, req);
            });
        });
    }

    private Future<Boolean> waitFor(Container c, int run, String req) {
        return exited(c.containerId()).compose(obs -> {
            Integer code = obs.map(Observed::exitCode).orElse(null);
            if (code != null && code == 0) {
                return store.update(c.uuid(), req, x -> x.toBuilder().status(Status.STOPPED).statusReason(null)
                        .statusDetail(obs.get().statusDetail()).build()).map(true);
            }
            RestartPolicy p = c.restartPolicy() == null ? RestartPolicy.NO : c.restartPolicy();
            boolean again = "on-failure".equals(p.name())
                    && (p.maximumRetryCount() == 0 || run <= p.maximumRetryCount());
            if (obs.isPresent() && again) {
                long backoff = Math.min(30_000L, 500L << Math.min(run, 6));
                return delay(backoff).compose(v -> io(() -> {
                    containers.start(c.containerId());
                    return null;
                })).compose(v -> waitFor(c, run + 1, req));
            }
            String reason = (obs.isEmpty() ? "its Docker container is gone" : "exit code " + code)
                    + " after " + run + (run == 1 ? " run" : " runs") + " (restart policy " + p.name()
                    + (p.name().equals("on-failure") ? ", " + p.maximumRetryCount() + " retries" : "") + ")";
            return store.update(c.uuid(), req, x -> x.toBuilder().status(Status.ERROR).statusReason(reason)
                    .statusDetail(obs.map(Observed::statusDetail).orElse(null)).build()).map(false);
        });
    }

    /** Docker's view once the container has stopped running (or is gone). */
    private Future<Optional<Observed>> exited(String id) {
        return io(() -> containers.inspect(id)).compose(obs -> {
            if (obs.isPresent() && (obs.get().status() == Status.RUNNING || obs.get().status() == Status.RESTARTING
                    || obs.get().status() == Status.CREATED && obs.get().exitCode() == null)) {
                return delay(POLL_MS).compose(v -> exited(id));
            }
            return Future.succeededFuture(obs);
        });
    }

    private Future<Boolean> stillWanted(UUID capsule) {
        return capsules.find(sql, capsule).map(c -> c.isPresent() && c.get().taskState() == null);
    }

    /** The capsule's row goes once it is being deleted and no container of it is left. */
    private Future<Void> finishDelete(UUID capsule, String req) {
        return store.inTransaction(tx -> capsules.lock(tx.connection(), capsule).compose(found -> {
            if (found.isEmpty() || found.get().taskState() == null) {
                return Future.<Void>succeededFuture();
            }
            return rows.byCapsule(tx.connection(), capsule).compose(left -> {
                if (!left.isEmpty()) {
                    return Future.<Void>succeededFuture();
                }
                return capsules.delete(tx.connection(), capsule)
                        .compose(v -> CapsuleEvents.deleted(tx.connection(), found.get(), req, clock.instant()));
            });
        }));
    }

    private Future<Void> publish(UUID capsule, String req) {
        return store.inTransaction(tx -> capsules.lock(tx.connection(), capsule).compose(found -> found.isEmpty()
                ? Future.<Void>succeededFuture()
                : rows.byCapsule(tx.connection(), capsule).compose(all -> CapsuleEvents.publish(tx.connection(),
                        capsules, found.get(), all, req, clock.instant()))));
    }

    private Future<Void> delay(long ms) {
        Promise<Void> p = Promise.promise();
        vertx.setTimer(ms, id -> context.runOnContext(v -> p.complete()));
        return p.future();
    }

    private <T> Future<T> io(Callable<T> call) {
        return blocking.run(context, call);
    }
}
