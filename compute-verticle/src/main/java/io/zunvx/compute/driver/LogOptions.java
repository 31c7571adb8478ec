package io.zunvx.compute.driver;

import io.zunvx.platform.config.ZunvxConfig;
import java.util.OptionalInt;

/**
 * Which part of a container's log to read.
 *
 * @param stdout            include standard output
 * @param stderr            include standard error
 * @param timestamps        prefix every line with its RFC 3339 timestamp
 * @param tail              {@code all}, or the number of lines to return from the end
 * @param sinceEpochSeconds only lines written at or after this time, {@code null} for no lower bound
 * @param maxBytes          the most bytes returned: a longer log gives its last bytes after a truncation line
 */
public record LogOptions(boolean stdout, boolean stderr, boolean timestamps, String tail, Long sinceEpochSeconds,
                         long maxBytes) {

    /** Both streams, no timestamps, every line. */
    public static final LogOptions ALL = new LogOptions(true, true, false, "all", null);

    /** With the default cap ({@code ZUNVX_LOGS_MAX_BYTES}'s default). */
    public LogOptions(boolean stdout, boolean stderr, boolean timestamps, String tail, Long sinceEpochSeconds) {
        this(stdout, stderr, timestamps, tail, sinceEpochSeconds,
                ZunvxConfig.Compute.DEFAULT_LOGS_MAX_BYTES);
    }

    public LogOptions {
        if (tail == null || tail.isBlank()) {
            tail = "all";
        }
        if (!"all".equals(tail)) {
            if (!tail.chars().allMatch(ch -> ch >= '0' && ch <= '9') || tail.length() > 9) {
                throw new IllegalArgumentException("tail must be \"all\" or a number of lines: " + tail);
            }
        }
        if (sinceEpochSeconds != null && sinceEpochSeconds < 0) {
            throw new IllegalArgumentException("since must not be negative");
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be positive");
        }
    }

    /** The number of lines to return from the end, or empty for all of them. */
    public OptionalInt tailLines() {
        return "all".equals(tail) ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(tail));
    }
}
