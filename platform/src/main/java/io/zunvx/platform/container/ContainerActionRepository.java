package io.zunvx.platform.container;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import io.zunvx.model.ZunTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Container action records: one per API request acting on a container, with the steps the compute agent took as
 * events. Rendered in Zun's shapes (reference §3.3).
 */
public final class ContainerActionRepository {

    /** Records the start of an action; a repeated request id for the same container is ignored. */
    public Future<Void> start(SqlClient db, UUID container, String requestId, String action, String projectId,
                              String userId, Instant at) {
        return db.preparedQuery("""
                        INSERT INTO container_actions (container_uuid, request_id, action, project_id, user_id, start_time)
                        VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (container_uuid, request_id) DO NOTHING""")
                .execute(Tuple.of(container, requestId, action, projectId, userId, ContainerRows.odt(at)))
                .mapEmpty();
    }

    /**
     * Records one step and, when {@code finishAction}, closes the action (with {@code message} for a failure).
     *
     * @param result {@code Success} or {@code Error}
     */
    public Future<Void> event(SqlClient db, UUID container, String requestId, String event, Instant start,
                              Instant finish, String result, String traceback, boolean finishAction, String message) {
        if (requestId == null) {
            return Future.succeededFuture();
        }
        Future<Void> ev = db.preparedQuery("""
                        INSERT INTO container_action_events (action_id, event, start_time, finish_time, result, traceback)
                        SELECT id, $3, $4, $5, $6, $7 FROM container_actions
                        WHERE container_uuid = $1 AND request_id = $2""")
                .execute(Tuple.of(container, requestId, event, ContainerRows.odt(start), ContainerRows.odt(finish),
                        result, traceback))
                .mapEmpty();
        if (!finishAction) {
            return ev;
        }
        return ev.compose(v -> db.preparedQuery("""
                        UPDATE container_actions SET finish_time = $3, message = COALESCE($4, message)
                        WHERE container_uuid = $1 AND request_id = $2""")
                .execute(Tuple.of(container, requestId, ContainerRows.odt(finish), message)).mapEmpty());
    }

    /**
     * Records the same step, with the same times and result and no traceback, for many actions in one statement:
     * the action of {@code containers[i]} and {@code requestIds[i]} each (entries with a {@code null} request id are
     * skipped, as {@link #event} skips them). The actions stay open.
     */
    public Future<Void> events(SqlClient db, List<UUID> containers, List<String> requestIds, String event,
                               Instant start, Instant finish, String result) {
        if (containers.size() != requestIds.size()) {
            throw new IllegalArgumentException("one request id per container");
        }
        List<UUID> uuids = new ArrayList<>(containers.size());
        List<String> requests = new ArrayList<>(containers.size());
        for (int i = 0; i < containers.size(); i++) {
            if (requestIds.get(i) != null) {
                uuids.add(containers.get(i));
                requests.add(requestIds.get(i));
            }
        }
        if (uuids.isEmpty()) {
            return Future.succeededFuture();
        }
        return db.preparedQuery("""
                        INSERT INTO container_action_events (action_id, event, start_time, finish_time, result, traceback)
                        SELECT a.id, $3, $4, $5, $6, NULL
                        FROM unnest($1::uuid[], $2::text[]) WITH ORDINALITY AS r(container_uuid, request_id, n)
                        JOIN container_actions a ON a.container_uuid = r.container_uuid AND a.request_id = r.request_id
                        ORDER BY r.n""")
                .execute(Tuple.tuple().addArrayOfUUID(uuids.toArray(new UUID[0]))
                        .addArrayOfString(requests.toArray(new String[0])).addString(event)
                        .addOffsetDateTime(ContainerRows.odt(start)).addOffsetDateTime(ContainerRows.odt(finish))
                        .addString(result))
                .mapEmpty();
    }

    /** Zun's {@code containerActions} list, newest first. */
    public Future<JsonArray> list(SqlClient db, UUID container) {
        return db.preparedQuery("""
                        SELECT * FROM container_actions WHERE container_uuid = $1 ORDER BY start_time DESC, id DESC""")
                .execute(Tuple.of(container))
                .map(rs -> {
                    JsonArray a = new JsonArray();
                    rs.forEach(r -> a.add(action(r)));
                    return a;
                });
    }

    /** One action with its events; empty if unknown. */
    public Future<Optional<JsonObject>> get(SqlClient db, UUID container, String requestId, boolean withTraceback) {
        return db.preparedQuery("SELECT * FROM container_actions WHERE container_uuid = $1 AND request_id = $2")
                .execute(Tuple.of(container, requestId))
                .compose(rs -> {
                    if (rs.size() == 0) {
                        return Future.succeededFuture(Optional.empty());
                    }
                    Row r = rs.iterator().next();
                    JsonObject action = action(r);
                    return db.preparedQuery(
                                    "SELECT * FROM container_action_events WHERE action_id = $1 ORDER BY id")
                            .execute(Tuple.of(r.getLong("id")))
                            .map(evs -> {
                                JsonArray events = new JsonArray();
                                evs.forEach(e -> events.add(new JsonObject()
                                        .put("event", e.getString("event"))
                                        .put("start_time", iso(e, "start_time"))
                                        .put("finish_time", iso(e, "finish_time"))
                                        .put("result", e.getString("result"))
                                        .put("traceback", withTraceback ? e.getString("traceback") : null)));
                                return Optional.of(action.put("events", events));
                            });
                });
    }

    /** An action that was started and has no step recorded yet. */
    public record OpenAction(UUID container, String requestId, Instant started) {
    }

    /**
     * The actions named {@code action} started before {@code before} that are still open with no step recorded, oldest
     * first, at most {@code limit}: requests whose API instance stopped between their change and its record.
     */
    public Future<List<OpenAction>> open(SqlClient db, String action, Instant before, int limit) {
        return db.preparedQuery("""
                        SELECT a.container_uuid, a.request_id, a.start_time FROM container_actions a
                        WHERE a.action = $1 AND a.finish_time IS NULL AND a.start_time < $2
                          AND NOT EXISTS (SELECT 1 FROM container_action_events e WHERE e.action_id = a.id)
                        ORDER BY a.start_time, a.id LIMIT $3""")
                .execute(Tuple.of(action, ContainerRows.odt(before), limit))
                .map(rs -> {
                    List<OpenAction> out = new ArrayList<>();
                    rs.forEach(r -> out.add(new OpenAction(r.getUUID("container_uuid"), r.getString("request_id"),
                            ContainerRows.instant(r.getOffsetDateTime("start_time")))));
                    return out;
                });
    }

    private static JsonObject action(Row r) {
        return new JsonObject()
                .put("action", r.getString("action"))
                .put("container_uuid", r.getUUID("container_uuid").toString())
                .put("request_id", r.getString("request_id"))
                .put("user_id", r.getString("user_id"))
                .put("project_id", r.getString("project_id"))
                .put("start_time", iso(r, "start_time"))
                .put("finish_time", iso(r, "finish_time"))
                .put("message", r.getString("message"));
    }

    private static String iso(Row r, String col) {
        return ZunTime.iso(ContainerRows.instant(r.getOffsetDateTime(col)));
    }
}
