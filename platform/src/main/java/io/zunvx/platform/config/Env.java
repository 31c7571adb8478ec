package io.zunvx.platform.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Typed reads of {@code ZUNVX_*} environment variables. Every key read is remembered, so {@link #rejectUnknown()}
 * can refuse a misspelt variable instead of silently ignoring it.
 */
public final class Env {
    public static final String PREFIX = "ZUNVX_";

    private final Map<String, String> values;
    private final Set<String> known = new TreeSet<>();

    public Env(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    public static Env system() {
        return new Env(System.getenv());
    }

    public String string(String key, String dflt) {
        known.add(key);
        String v = values.get(key);
        return v == null || v.isBlank() ? dflt : v.trim();
    }

    public int integer(String key, int dflt) {
        return parse(key, dflt, Integer::parseInt, "an integer");
    }

    public double number(String key, double dflt) {
        return parse(key, dflt, Double::parseDouble, "a number");
    }

    public boolean bool(String key, boolean dflt) {
        return parse(key, dflt, v -> switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw new IllegalArgumentException(v);
        }, "true or false");
    }

    /** {@code 250ms}, {@code 10s}, {@code 3m}, {@code 1h}, or a plain number of seconds. */
    public Duration duration(String key, Duration dflt) {
        Duration d = parse(key, dflt, Env::parseDuration, "a duration such as 500ms, 10s, 3m");
        if (d != null && (d.isZero() || d.isNegative())) {
            throw new ConfigException(key + " must be a positive duration, not '" + values.get(key) + "'");
        }
        return d;
    }

    static Duration parseDuration(String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        if (s.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
        }
        long n;
        return switch (s.charAt(s.length() - 1)) {
            case 's' -> Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)));
            case 'm' -> Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1)));
            case 'h' -> Duration.ofHours(Long.parseLong(s.substring(0, s.length() - 1)));
            default -> {
                n = Long.parseLong(s);
                yield Duration.ofSeconds(n);
            }
        };
    }

    private <T> T parse(String key, T dflt, Function<String, T> parser, String expected) {
        known.add(key);
        String v = values.get(key);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            return parser.apply(v.trim());
        } catch (RuntimeException e) {
            throw new ConfigException(key + " must be " + expected + ", not '" + v + "'");
        }
    }

    /** Fails if any {@code ZUNVX_*} variable was set that no configuration read. */
    public void rejectUnknown() {
        Set<String> unknown = new TreeSet<>();
        for (String k : values.keySet()) {
            if (k.startsWith(PREFIX) && !known.contains(k)) {
                unknown.add(k);
            }
        }
        if (!unknown.isEmpty()) {
            throw new ConfigException("unknown configuration variable(s): " + String.join(", ", unknown)
                    + "; known: " + String.join(", ", known));
        }
    }

    /** Whether the variable was set (to a non-blank value). */
    public boolean isSet(String key) {
        known.add(key);
        String v = values.get(key);
        return v != null && !v.isBlank();
    }
}
