package io.zunvx.compute.driver;

import io.zunvx.compute.driver.DriverException.Kind;
import java.util.Locale;

/**
 * An image pull policy ({@code imagePullPolicy} of a container, {@code image_pull_policy} of an image pull) and what it
 * decides once the runtime has said whether the image is present. The same rule for every runtime.
 */
public enum PullPolicy {
    /** Pull every time, present or not. */
    ALWAYS,
    /** Pull only when the image is missing; the default. */
    IF_NOT_PRESENT,
    /** Never pull: the image must be present. */
    NEVER;

    /** What to do about an image. */
    public enum Decision {
        /** Use the image the runtime has. */
        USE_LOCAL,
        /** Ask the registry. */
        PULL,
        /** Fail: the image is missing and must not be pulled. */
        MISSING
    }

    /**
     * The policy a client spelled ({@code always}, {@code ifnotpresent}, {@code never}, in any case), {@code null} for
     * {@link #IF_NOT_PRESENT}.
     *
     * @throws DriverException {@link Kind#BAD_REQUEST} for any other value
     */
    public static PullPolicy parse(String policy) {
        if (policy == null) {
            return IF_NOT_PRESENT;
        }
        return switch (policy.toLowerCase(Locale.ROOT)) {
            case "always" -> ALWAYS;
            case "ifnotpresent" -> IF_NOT_PRESENT;
            case "never" -> NEVER;
            default -> throw new DriverException(Kind.BAD_REQUEST, "unknown image pull policy: " + policy);
        };
    }

    /** The decision for an image the runtime has ({@code present}) or has not. */
    public Decision decide(boolean present) {
        return switch (this) {
            case ALWAYS -> Decision.PULL;
            case IF_NOT_PRESENT -> present ? Decision.USE_LOCAL : Decision.PULL;
            case NEVER -> present ? Decision.USE_LOCAL : Decision.MISSING;
        };
    }
}
