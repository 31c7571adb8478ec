package io.zunvx.api.container;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.zunvx.api.compute.ComputeClient;
import io.zunvx.api.quota.QuotaGuard;
import io.zunvx.model.Container;
import io.zunvx.platform.auth.Identity;
import io.zunvx.platform.config.ZunvxConfig;
import io.zunvx.platform.container.ContainerActionRepository;
import io.zunvx.platform.container.ContainerCatalog;
import io.zunvx.platform.container.ContainerStore;
import io.zunvx.platform.error.ZunException;
import io.zunvx.platform.host.ComputeNodeRepository;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resource part of Zun's {@code container_update} (cpu, memory), applied while the container runs, with no
 * remote call inside a transaction:
 * <ol>
 *   <li>one short transaction locks the row, checks its state, moves the project's quota and the host's claim (the
 *       capacity test the scheduler makes, in the same statement) and writes the new limits with the action record;
 *       the row, the claim and the quota change together or not at all;</li>
 *   <li>after it commits, the host's agent sets the limits in Docker ({@code docker update} with the absolute values,
 *       so asking again is harmless; the claim is already moved, so the agent is told not to move it);</li>
 *   <li>a short transaction records the step and closes the action. When the agent refused, it puts the row (the
 *       whole request failed) and the claim back instead, unless something else changed the row meanwhile, and
 *       records the failure.</li>
 * </ol>
 * A failure before the first commit changes nothing. A failure after it (the instance stopped, the database went
 * away) leaves the row and the claim in step, both with the new limits, and the action open with no step recorded:
 * {@link #finishStalled} (run periodically by every API instance) asks the agent again to set the row's limits and
 * records the answer, so Docker catches up with the row.
 */
final class LiveResizes {
    private static final Logger LOG = LoggerFactory.getLogger(LiveResizes.class);
    static final String ACTION = "update";
    static final String EVENT = "compute__do_container_update";
    /** An allocation ratio no host reaches, for giving a claim back (finite: PostgreSQL refuses infinite products). */
    private static final double UNCHECKED = 1e9;

    private final ContainerStore store;
    private final ContainerCatalog catalog;
    private final ContainerActionRepository actions;
    private final ComputeNodeRepository nodes;
    private final ComputeClient compute;
    private final QuotaGuard quota;
    private final ZunvxConfig.Scheduler ratios;
    private final Clock clock;

    LiveResizes(ContainerStore store, ContainerCatalog catalog, ContainerActionRepository actions,
                ComputeNodeRepository nodes, ComputeClient compute, QuotaGuard quota, ZunvxConfig.Scheduler ratios,
                Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.actions = Objects.requireNonNull(actions, "actions");
        this.nodes = Objects.requireNonNull(nodes, "nodes");
        this.compute = Objects.requireNonNull(compute, "compute");
        this.quota = Objects.requireNonNull(quota, "quota");
        this.ratios = Objects.requireNonNull(ratios, "ratios");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Resizes the container.
     *
     * @param check   the state check of the locked row (404 when it vanished, 409 when its status forbids)
     * @param change  the other fields of the same request (name, auto_heal), written with the new limits
     * @param cpu     new vCPUs, {@code null} to keep
     * @param memory  new MiB, {@code null} to keep
     * @param who     the caller, recorded with the action
     * @param req     the request id, the action's key
     * @return the container as saved; fails with the reason when the quota, the host or the agent refused
     */
    Future<Container> resize(Container found, UnaryOperator<Container> check, UnaryOperator<Container> change,
                             Double cpu, Integer memory, Identity who, String req) {
        Instant started = clock.instant();
        AtomicBoolean checked = new AtomicBoolean();
        return store.inTransaction(tx -> tx.lock(found.uuid()).compose(row -> {
            Container c = check.apply(row.orElse(null));
            checked.set(true);
            Container.Builder b = change.apply(c).toBuilder();
            if (cpu != null) {
                b.cpu(cpu);
            }
            if (memory != null) {
                b.memory(memory);
            }
            Container next = b.build();
            boolean live = onHost(c);
            Future<Void> steps = quota.resize(tx.connection(), c, cpu, memory)
                    .compose(v -> actions.start(tx.connection(), c.uuid(), req, ACTION, who.projectId(), who.userId(),
                            started))
                    .compose(v -> moveClaim(tx.connection(), c, next, true));
            if (!live) {
                // Nothing runs yet: the row is all there is to change.
                steps = steps.compose(v -> actions.event(tx.connection(), c.uuid(), req, EVENT, started,
                        clock.instant(), "Success", null, true, null));
            }
            return steps.compose(v -> next.equals(c) ? Future.succeededFuture(c) : tx.save(c, next, req))
                    .map(saved -> new Resized(c, saved, live));
        })).recover(err -> {
            if (checked.get()) {
                recordFailure(found, req, who, started, err);
            }
            return Future.failedFuture(err);
        }).compose(r -> !r.live() ? Future.succeededFuture(r.saved())
                : apply(r.saved(), cpu, memory).transform(ar -> ar.succeeded()
                        ? finished(r, req, started).map(r.saved())
                        : undo(r, cpu, memory, req, started, ar.cause()).compose(v -> Future.failedFuture(ar.cause()))));
    }

    /**
     * Finishes the resizes started before {@code before} that are still open with no step recorded: the agent is asked
     * to set the limits the row holds (the row and the claim already agree on them), and its answer is recorded and
     * closes the action. {@code before} must lie further back than any resize still in progress can take.
     *
     * @return how many were finished
     */
    Future<Integer> finishStalled(Instant before) {
        return catalog.openActions(ACTION, before, 100).compose(open -> {
            Future<Integer> chain = Future.succeededFuture(0);
            for (ContainerActionRepository.OpenAction a : open) {
                chain = chain.compose(n -> finishStalled(a).map(n + 1));
            }
            return chain;
        });
    }

    private Future<Void> finishStalled(ContainerActionRepository.OpenAction a) {
        return catalog.find(a.container()).compose(row -> {
            Future<Void> applied = row.isPresent() && onHost(row.get())
                    ? apply(row.get(), row.get().cpu(), row.get().memory()) : Future.succeededFuture();
            return applied.transform(ar -> {
                String reason = ar.failed() ? String.valueOf(ar.cause().getMessage()) : null;
                if (ar.failed()) {
                    LOG.warn("the agent refused the limits of {} after an unfinished resize: {}", a.container(),
                            reason);
                }
                return store.inTransaction(tx -> actions.event(tx.connection(), a.container(), a.requestId(), EVENT,
                        a.started(), clock.instant(), ar.succeeded() ? "Success" : "Error", reason, true, reason));
            });
        }).recover(err -> {
            LOG.warn("could not finish the resize of {}: {}", a.container(), err.toString());
            return Future.succeededFuture();
        });
    }

    /** The row before the change, and as saved; {@code live} when the agent has the limits to apply. */
    private record Resized(Container before, Container saved, boolean live) {
    }

    private static boolean onHost(Container c) {
        return c.host() != null && c.containerId() != null;
    }

    /** Asks the container's host to set the limits in Docker; the claim is not the agent's to move here. */
    private Future<Void> apply(Container c, Double cpu, Integer memory) {
        JsonObject body = new JsonObject().put("cpu", cpu).put("memory", memory).put("previous_cpu", c.cpu())
                .put("previous_memory", c.memory()).put("claimed", false);
        return compute.postJson(c.host(), "/containers/" + c.uuid() + "/update", Map.of(), body).mapEmpty();
    }

    private Future<Void> finished(Resized r, String req, Instant started) {
        Container c = r.saved();
        return store.inTransaction(tx -> actions.event(tx.connection(), c.uuid(), req, EVENT, started,
                        clock.instant(), "Success", null, true, null))
                .recover(err -> {
                    // Docker, the row and the claim agree already; only the record of the step is missing.
                    LOG.warn("could not record the resize of {}: {}", c.uuid(), err.toString());
                    return Future.succeededFuture();
                });
    }

    /**
     * The agent refused: the row and the claim go back to what they were if nothing else changed the row since, and
     * the action records the failure. An agent that answered 5xx or not at all may have changed Docker: it is asked
     * to put the old limits back.
     */
    private Future<Void> undo(Resized r, Double cpu, Integer memory, String req, Instant started, Throwable err) {
        Container before = r.before();
        String reason = err.getMessage() == null ? err.toString() : err.getMessage();
        Future<Void> reverted = store.inTransaction(tx -> tx.lock(before.uuid()).compose(row -> {
            Future<Void> back = Future.succeededFuture();
            if (row.isPresent() && row.get().version() == r.saved().version() && r.saved() != before) {
                // The whole request failed: the row goes back to what it was, its other fields included.
                Container now = row.get();
                back = moveClaim(tx.connection(), now, before, false).compose(v -> tx.save(now, before, req))
                        .mapEmpty();
            }
            return back.compose(v -> actions.event(tx.connection(), before.uuid(), req, EVENT, started,
                    clock.instant(), "Error", reason, true, reason));
        })).recover(e -> {
            LOG.warn("could not undo the resize of {} after the agent refused it: {}", before.uuid(), e.toString());
            return Future.succeededFuture();
        });
        boolean definite = err instanceof ZunException z && z.status() < 500;
        if (definite) {
            return reverted;
        }
        return reverted.compose(v -> apply(r.saved(), cpu == null ? null : before.cpu(),
                        memory == null ? null : before.memory())
                .recover(e -> {
                    LOG.warn("could not put the old limits of {} back: {}", before.uuid(), e.toString());
                    return Future.succeededFuture();
                }));
    }

    /**
     * Moves the host's claim from {@code prev}'s limits to {@code next}'s, when the container's resources are claimed
     * there. Growing is checked against the host's capacity and allocation ratios (409 {@code resources-unavailable}
     * when it does not fit); giving back is not.
     */
    private Future<Void> moveClaim(SqlClient tx, Container prev, Container next, boolean check) {
        long memDelta = (long) (next.memory() == null ? 0 : next.memory()) - (prev.memory() == null ? 0 : prev.memory());
        double cpuDelta = next.cpu() - prev.cpu();
        if (!prev.claimed() || prev.host() == null || (memDelta == 0 && cpuDelta == 0)) {
            return Future.succeededFuture();
        }
        double cpuRatio = check ? ratios.cpuAllocationRatio() : UNCHECKED;
        double ramRatio = check ? ratios.ramAllocationRatio() : UNCHECKED;
        double diskRatio = check ? ratios.diskAllocationRatio() : UNCHECKED;
        return nodes.claim(tx, prev.host(), -1, memDelta, cpuDelta, 0, cpuRatio, ramRatio, diskRatio)
                .compose(after -> after.isPresent() ? Future.<Void>succeededFuture()
                        : Future.failedFuture(ComputeNodeRepository.noRoom(prev.host(), memDelta, cpuDelta)));
    }

    /** A resize refused before anything changed still leaves its record: started, the failed step, finished. */
    private void recordFailure(Container c, String req, Identity who, Instant started, Throwable err) {
        String reason = err.getMessage() == null ? err.toString() : err.getMessage();
        store.inTransaction(tx -> actions.start(tx.connection(), c.uuid(), req, ACTION, who.projectId(),
                                who.userId(), started)
                        .compose(v -> actions.event(tx.connection(), c.uuid(), req, EVENT, started, clock.instant(),
                                "Error", reason, true, reason)))
                .onFailure(e -> LOG.warn("could not record the failed resize of {}: {}", c.uuid(), e.toString()));
    }
}
