package io.zunvx.compute.agent;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.zunvx.compute.driver.ContainerDriver;
import io.zunvx.platform.concurrent.Blocking;
import io.zunvx.platform.config.ZunvxConfig;
import io.zunvx.platform.db.Transactions;
import io.zunvx.platform.error.ZunException;
import io.zunvx.platform.host.ComputeNodeRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Changes a container's CPU and memory while it runs ({@code docker update}), for the API's synchronous PATCH and
 * resize_container. The host's claim moves with it: the difference is claimed (checked against the host's capacity
 * and allocation ratios, as the scheduler checks a placement) before Docker is asked, and given back if Docker
 * refuses.
 *
 * <p>The container row is the API's to write: it holds the row locked while it calls here and saves the new values
 * in the same transaction as the quota change, so it tells this class the values the row holds ({@code previous*}).
 */
public final class LiveResize {
    private static final Logger LOG = LoggerFactory.getLogger(LiveResize.class);
    private static final int CLAIM_ATTEMPTS = 8;
    /** An allocation ratio no host reaches (finite: PostgreSQL refuses infinite products). */
    private static final double UNCHECKED = 1e9;

    private final Context context;
    private final ContainerDriver driver;
    private final Blocking blocking;
    private final SqlClient sql;
    private final ComputeNodeRepository nodes;
    private final String host;
    private final ZunvxConfig.Scheduler ratios;

    public LiveResize(Context context, ContainerDriver driver, Blocking blocking, Transactions db,
                      ComputeNodeRepository nodes, String host, ZunvxConfig.Scheduler ratios) {
        this.context = context;
        this.driver = driver;
        this.blocking = blocking;
        this.sql = db.statements();
        this.nodes = nodes;
        this.host = host;
        this.ratios = ratios;
    }

    /**
     * One resize.
     *
     * @param dockerId       the runtime container
     * @param cpu            new vCPUs, {@code null} to keep
     * @param memory         new MiB, {@code null} to keep
     * @param previousCpu    the vCPUs the container has now
     * @param previousMemory the MiB it has now, {@code null} for no limit
     * @param claimed        whether its resources are claimed on this host (only then does the claim move)
     * @return fails with 409 {@code resources-unavailable} when the host lacks the room, or with the runtime's failure
     */
    public Future<Void> apply(String dockerId, Double cpu, Integer memory, double previousCpu,
                              Integer previousMemory, boolean claimed) {
        long memDelta = memory == null ? 0 : (long) memory - (previousMemory == null ? 0 : previousMemory);
        double cpuDelta = cpu == null ? 0 : cpu - previousCpu;
        boolean moveClaim = claimed && (memDelta != 0 || cpuDelta != 0);
        Future<Void> claim = moveClaim ? move(memDelta, cpuDelta, true, CLAIM_ATTEMPTS) : Future.succeededFuture();
        return claim.compose(v -> blocking.run(context, () -> {
            driver.update(dockerId, cpu, memory);
            return (Void) null;
        }).recover(err -> {
            if (!moveClaim) {
                return Future.failedFuture(err);
            }
            return move(-memDelta, -cpuDelta, false, CLAIM_ATTEMPTS).transform(ar -> {
                if (ar.failed()) {
                    LOG.warn("could not undo the claim of a failed resize on {}: {}", host, ar.cause().toString());
                }
                return Future.<Void>failedFuture(err);
            });
        }));
    }

    /**
     * Moves the host's claim by the (signed) differences; retried when the node row changed meanwhile.
     *
     * @param checkCapacity whether the result must fit the host (not when undoing an earlier move)
     */
    private Future<Void> move(long memDelta, double cpuDelta, boolean checkCapacity, int attemptsLeft) {
        return nodes.find(sql, host).compose(found -> {
            if (found.isEmpty()) {
                return Future.failedFuture(ZunException.unavailable("Compute host " + host + " is not registered.",
                        null));
            }
            var node = found.get();
            double cpuRatio = checkCapacity ? ratios.cpuAllocationRatio() : UNCHECKED;
            double ramRatio = checkCapacity ? ratios.ramAllocationRatio() : UNCHECKED;
            double diskRatio = checkCapacity ? ratios.diskAllocationRatio() : UNCHECKED;
            return nodes.claim(sql, host, node.version(), memDelta, cpuDelta, 0, cpuRatio, ramRatio, diskRatio)
                    .compose(after -> {
                        if (after.isPresent()) {
                            return Future.<Void>succeededFuture();
                        }
                        return nodes.find(sql, host).compose(now -> {
                            boolean changed = now.isPresent() && now.get().version() != node.version();
                            if (changed && attemptsLeft > 1) {
                                return move(memDelta, cpuDelta, checkCapacity, attemptsLeft - 1);
                            }
                            return Future.failedFuture(new ZunException(409, "resources-unavailable",
                                    "Insufficient compute resources: host " + host + " cannot fit "
                                            + describe(memDelta, cpuDelta) + " more."));
                        });
                    });
        });
    }

    private static String describe(long memDelta, double cpuDelta) {
        StringBuilder b = new StringBuilder();
        if (memDelta > 0) {
            b.append(memDelta).append(" MiB of memory");
        }
        if (cpuDelta > 0) {
            if (!b.isEmpty()) {
                b.append(" and ");
            }
            b.append(cpuDelta).append(" vCPUs");
        }
        return b.isEmpty() ? "the change" : b.toString();
    }
}
