package io.zunvx.platform.capsule;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.zunvx.model.Capsule;
import io.zunvx.model.CapsuleStatus;
import io.zunvx.model.Container;
import io.zunvx.model.Topics;
import io.zunvx.platform.events.Envelopes;
import io.zunvx.platform.outbox.Outbox;
import io.zunvx.platform.outbox.OutboxMessage;
import java.time.Instant;
import java.util.List;

/**
 * Capsule lifecycle events for {@link Topics#CAPSULE_EVENTS}, written to the outbox in the caller's transaction and
 * keyed by the capsule uuid: {@value #STATE_CHANGED} with the aggregated status (docs/events.md).
 */
public final class CapsuleEvents {
    /** CloudEvents type of a capsule's change of aggregated status or task state, and of its deletion. */
    public static final String STATE_CHANGED = "io.zunvx.capsule.state-changed.v1";

    private CapsuleEvents() {
    }

    /** The event for {@code capsule} whose containers are {@code containers}, numbered by the capsule's sequence. */
    public static Future<Void> publish(SqlClient tx, CapsuleRepository capsules, Capsule capsule,
                                       List<Container> containers, String requestId, Instant time) {
        CapsuleStatus.Aggregate status = CapsuleStatus.of(capsule, containers);
        return capsules.nextSequence(tx, capsule.uuid())
                .compose(seq -> Outbox.add(tx, message(capsule, containers, status.status().wire(), status.reason(),
                        seq, requestId, time)));
    }

    /** The event of a capsule whose row is gone ({@code Deleted}); the sequence follows the last one published. */
    public static Future<Void> deleted(SqlClient tx, Capsule capsule, String requestId, Instant time) {
        return Outbox.add(tx, message(capsule, List.of(), "Deleted", null, capsule.eventSequence() + 1, requestId,
                time));
    }

    /**
     * The outbox message of one event (pure): data {@code uuid}, {@code sequence}, {@code time}, {@code request_id}
     * and {@code capsule} with {@code uuid}, {@code name}, {@code project_id}, {@code status},
     * {@code status_reason}, {@code task_state}, {@code host} and {@code containers}.
     */
    static OutboxMessage message(Capsule capsule, List<Container> containers,
                                         String status, String reason, long seq,
                                         String requestId, Instant time) {
        String host = containers.stream().filter(Container::isSandbox).findFirst().map(Container::host).orElse(null);
        JsonObject data = new JsonObject()
                .put("uuid", capsule.uuid().toString())
                .put("sequence", seq)
                .put("time", time.toString())
                .put("request_id", requestId)
                .put("capsule", new JsonObject()
                        .put("uuid", capsule.uuid().toString())
                        .put("name", capsule.name())
                        .put("project_id", capsule.projectId())
                        .put("status", status)
                        .put("status_reason", reason)
                        .put("task_state", capsule.taskState() == null ? null : capsule.taskState().wire())
                        .put("host", host)
                        .put("containers", containers.stream().filter(c -> !c.isSandbox())
                                .map(c -> c.uuid().toString()).toList()));
        String key = capsule.uuid().toString();
        return Envelopes.of(Topics.CAPSULE_EVENTS, key, STATE_CHANGED, key, seq, data);
    }
}
