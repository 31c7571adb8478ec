package io.zunvx.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The operation in progress on a container; {@code null} on a container means idle. */
public enum TaskState {
    IMAGE_PULLING,
    CONTAINER_CREATING,
    CONTAINER_STARTING,
    CONTAINER_STOPPING,
    CONTAINER_REBOOTING,
    CONTAINER_PAUSING,
    CONTAINER_UNPAUSING,
    CONTAINER_KILLING,
    CONTAINER_DELETING,
    CONTAINER_REBUILDING,
    NETWORK_ATTACHING,
    NETWORK_DETACHING,
    SG_ADDING,
    SG_REMOVING;

    private static final Map<String, TaskState> BY_WIRE =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(TaskState::wire, Function.identity()));

    /** The string Zun uses, e.g. {@code image_pulling}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses Zun's spelling; throws {@link IllegalArgumentException} for anything else. */
    public static TaskState fromWire(String value) {
        TaskState t = BY_WIRE.get(value);
        if (t == null) {
            throw new IllegalArgumentException("unknown task state: " + value);
        }
        return t;
    }

    /** Whether {@code value} is one of Zun's task-state strings. */
    public static boolean isWire(String value) {
        return BY_WIRE.containsKey(value);
    }
}
