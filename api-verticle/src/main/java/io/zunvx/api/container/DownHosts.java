package io.zunvx.api.container;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.zunvx.api.volume.VolumeMounts;
import io.zunvx.model.Container;
import io.zunvx.model.ZunService;
import io.zunvx.platform.container.ContainerStore;
import io.zunvx.platform.host.ComputeNodeRepository;
import io.zunvx.platform.host.ServiceRepository;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Containers whose host cannot carry out their commands: its {@code zun-compute} service is down (forced down, or
 * no heartbeat within the service down time) or has no record. A forced delete of such a container is done here, in
 * the database alone, instead of by a command only that host's agent could carry out; when the host comes back, its
 * sync loop finds a Docker container no row names and removes it as an orphan.
 */
public final class DownHosts {
    private static final Logger LOG = LoggerFactory.getLogger(DownHosts.class);

    private final ServiceRepository services = new ServiceRepository();
    private final ComputeNodeRepository nodes = new ComputeNodeRepository();
    private final VolumeMounts mounts;
    private final Duration downTime;
    private final Clock clock;

    public DownHosts(VolumeMounts mounts, Duration downTime, Clock clock) {
        this.mounts = mounts;
        this.downTime = downTime;
        this.clock = clock;
    }

    /** Whether {@code host}'s compute service is down or unknown. */
    public Future<Boolean> isDown(SqlClient db, String host) {
        return services.find(db, host, ZunService.COMPUTE)
                .map(s -> s.isEmpty() || !s.get().isUp(clock.instant(), downTime));
    }

    /**
     * Removes a container of a down host in the caller's transaction: its claim on the host is given back, its volumes
     * are released ({@link VolumeMounts#releaseOnDownHost}), and the row goes with its last event ({@code Deleted});
     * its ports and CPU pins go with the row.
     */
    public Future<Void> remove(ContainerStore.Tx tx, Container c, String requestId) {
        LOG.warn("container {} removed by a forced delete while its host {} is down; the host removes its Docker "
                + "container when it is back", c.uuid(), c.host());
        Future<?> claim = c.claimed()
                ? nodes.release(tx.connection(), c.host(), c.memory() == null ? 0 : c.memory(), c.cpu(), c.disk())
                : Future.succeededFuture();
        return claim.compose(x -> mounts.releaseOnDownHost(tx.connection(), c.uuid(), clock.instant()))
                .compose(x -> tx.delete(c, requestId));
    }
}
