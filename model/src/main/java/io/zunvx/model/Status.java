package io.zunvx.model;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** A container's status, with the exact strings Zun puts on the wire. */
public enum Status {
    CREATING("Creating"),
    CREATED("Created"),
    RUNNING("Running"),
    STOPPED("Stopped"),
    PAUSED("Paused"),
    RESTARTING("Restarting"),
    REBUILDING("Rebuilding"),
    DELETING("Deleting"),
    DELETED("Deleted"),
    ERROR("Error"),
    UNKNOWN("Unknown"),
    DEAD("Dead");

    private static final Map<String, Status> BY_WIRE =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(Status::wire, Function.identity()));

    private final String wire;

    Status(String wire) {
        this.wire = wire;
    }

    /** The string Zun uses, e.g. {@code Running}. */
    public String wire() {
        return wire;
    }

    /** Parses Zun's spelling; throws {@link IllegalArgumentException} for anything else. */
    public static Status fromWire(String value) {
        Status s = BY_WIRE.get(value);
        if (s == null) {
            throw new IllegalArgumentException("unknown status: " + value);
        }
        return s;
    }

    /** Whether {@code value} is one of Zun's status strings. */
    public static boolean isWire(String value) {
        return BY_WIRE.containsKey(value);
    }
}
