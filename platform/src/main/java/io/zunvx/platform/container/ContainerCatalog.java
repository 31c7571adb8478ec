package io.zunvx.platform.container;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import io.zunvx.model.Container;
import io.zunvx.platform.db.Transactions;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The reads the API makes of containers and what a container request names: rows by uuid or name, pages, name
 * uniqueness, whether a requested zone or host exists, and the action records. Writes go through
 * {@link ContainerStore}, which emits their events.
 */
public final class ContainerCatalog {
    private static final String ZONE_EXISTS = """
            SELECT 1 FROM zun_services WHERE COALESCE(availability_zone, 'nova') = $1 LIMIT 1""";
    private static final String HOST_EXISTS = """
            SELECT 1 FROM compute_nodes WHERE hostname = $1""";

    private final SqlClient sql;
    private final ContainerRepository containers;
    private final ContainerActionRepository actions;

    public ContainerCatalog(Transactions db, ContainerRepository containers, ContainerActionRepository actions) {
        this.sql = db.statements();
        this.containers = containers;
        this.actions = actions;
    }

    public Future<Optional<Container>> find(UUID uuid) {
        return containers.find(sql, uuid);
    }

    /** The containers named {@code name}, of {@code projectId} only unless it is {@code null}. */
    public Future<List<Container>> findByName(String name, String projectId) {
        return containers.findByName(sql, name, projectId);
    }

    /** Whether a container of that name exists, in {@code projectId} or (when {@code null}) anywhere. */
    public Future<Boolean> nameTaken(String name, String projectId) {
        return containers.nameTaken(sql, name, projectId);
    }

    /** The containers of a capsule, sandbox included, in template order. */
    public Future<List<Container>> ofCapsule(UUID capsule) {
        return containers.byCapsule(sql, capsule);
    }

    public Future<List<Container>> list(ContainerQuery query) {
        return containers.list(sql, query);
    }

    /** Whether a service runs in the availability zone (a service without one is in {@code nova}). */
    public Future<Boolean> zoneExists(String zone) {
        return sql.preparedQuery(ZONE_EXISTS).execute(Tuple.of(zone)).map(rs -> rs.size() > 0);
    }

    /** Whether a compute host of that name is registered. */
    public Future<Boolean> hostExists(String hostname) {
        return sql.preparedQuery(HOST_EXISTS).execute(Tuple.of(hostname)).map(rs -> rs.size() > 0);
    }

    /** The container's action records, as {@link ContainerActionRepository#list} renders them. */
    public Future<JsonArray> actions(UUID container) {
        return actions.list(sql, container);
    }

    /** Open actions with no step recorded, as {@link ContainerActionRepository#open} finds them. */
    public Future<List<ContainerActionRepository.OpenAction>> openActions(String action, Instant before, int limit) {
        return actions.open(sql, action, before, limit);
    }

    /** One action record with its events, their tracebacks only when {@code withTraceback}. */
    public Future<Optional<JsonObject>> action(UUID container, String requestId, boolean withTraceback) {
        return actions.get(sql, container, requestId, withTraceback);
    }
}
