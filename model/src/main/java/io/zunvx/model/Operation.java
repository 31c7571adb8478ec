package io.zunvx.model;

import static io.zunvx.model.Status.*;

import java.util.EnumSet;
import java.util.Set;

/**
 * Zun's action/state table ({@code VALID_STATES}): which container statuses allow each operation.
 * Only {@code status} is checked, never {@code task_state}, exactly as Zun does. The {@link #key()} is the name Zun
 * prints in its 409 message, e.g. {@code Cannot delete_force container <uuid> in Running state}.
 */
public enum Operation {
    START("start", CREATED, STOPPED, ERROR),
    STOP("stop", RUNNING),
    REBOOT("reboot", CREATED, RUNNING, STOPPED, ERROR),
    REBUILD("rebuild", CREATED, RUNNING, STOPPED, ERROR),
    PAUSE("pause", RUNNING),
    UNPAUSE("unpause", PAUSED),
    KILL("kill", RUNNING),
    EXECUTE("execute", RUNNING),
    EXECUTE_RESIZE("execute_resize", RUNNING),
    ATTACH("attach", RUNNING),
    RESIZE("resize", RUNNING),
    TOP("top", RUNNING),
    STATS("stats", RUNNING),
    LOGS("logs", CREATED, ERROR, PAUSED, RUNNING, STOPPED, UNKNOWN),
    COMMIT("commit", RUNNING, STOPPED, PAUSED),
    GET_ARCHIVE("get_archive", CREATED, PAUSED, RUNNING, STOPPED),
    PUT_ARCHIVE("put_archive", CREATED, PAUSED, RUNNING, STOPPED),
    UPDATE("update", CREATED, RUNNING, STOPPED, PAUSED),
    RESIZE_CONTAINER("resize_container", CREATED, RUNNING, STOPPED, PAUSED),
    ADD_SECURITY_GROUP("add_security_group", CREATED, RUNNING, STOPPED, PAUSED),
    REMOVE_SECURITY_GROUP("remove_security_group", CREATED, RUNNING, STOPPED, PAUSED),
    DELETE("delete", CREATED, ERROR, STOPPED, DELETED, DEAD),
    DELETE_FORCE("delete_force", CREATED, CREATING, ERROR, RUNNING, STOPPED, UNKNOWN, DELETED, DEAD, RESTARTING,
            REBUILDING, DELETING),
    DELETE_AFTER_STOP("delete_after_stop", RUNNING, CREATED, ERROR, STOPPED, DELETED, DEAD),
    RENAME("rename", Status.values()),
    NETWORK_ATTACH("network_attach", Status.values()),
    NETWORK_DETACH("network_detach", Status.values()),
    NETWORK_LIST("network_list", Status.values());

    private final String key;
    private final Set<Status> allowed;

    Operation(String key, Status... allowed) {
        this.key = key;
        this.allowed = allowed.length == 0 ? EnumSet.noneOf(Status.class) : EnumSet.of(allowed[0], allowed);
    }

    /** The name of the operation in Zun's table and messages. */
    public String key() {
        return key;
    }

    /** The statuses from which this operation may start. */
    public Set<Status> allowed() {
        return Set.copyOf(allowed);
    }

    /** Whether a container in {@code status} accepts this operation. */
    public boolean allows(Status status) {
        return allowed.contains(status);
    }

    /** Zun's 409 text for a container in the wrong status. */
    public String refusal(String containerUuid, Status status) {
        return "Cannot " + key + " container " + containerUuid + " in " + status.wire() + " state";
    }

    /**
     * The table entry Zun consults for a delete: {@code stop} wins over {@code force} for validation.
     */
    public static Operation forDelete(boolean force, boolean stop) {
        if (stop) {
            return DELETE_AFTER_STOP;
        }
        return force ? DELETE_FORCE : DELETE;
    }
}
