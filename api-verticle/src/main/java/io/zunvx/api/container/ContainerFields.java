package io.zunvx.api.container;

import io.zunvx.api.http.Schema;
import io.zunvx.api.http.QueryParams;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Zun's schemas for the container fields that create and update share ({@code parameter_types}), applied in the
 * keyword order jsonschema applies them so that the first failure reported is Zun's.
 */
public final class ContainerFields {
    public static final Pattern NAME = Pattern.compile("^[a-zA-Z0-9][a-zA-Z0-9_.-]+$");
    public static final Pattern IMAGE = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]");
    public static final Pattern CPU = Pattern.compile("^[0-9]*(\\.([0-9]+))?$");
    public static final Pattern DIGITS = Pattern.compile("^[0-9]+$");
    public static final Pattern NON_NEGATIVE = Pattern.compile("^[0-9]*$");
    public static final Pattern HOSTNAME = Pattern.compile("^[a-zA-Z0-9-._]*$");

    private ContainerFields() {
    }

    /** {@code container_name}: string or null, 2-255, {@code ^[a-zA-Z0-9][a-zA-Z0-9_.-]+$}. */
    public static void name(Schema.Site site, Object field, Object v) {
        Schema.type(site, field, v, "string", "null");
        Schema.minLength(site, field, v, 2);
        Schema.maxLength(site, field, v, 255);
        Schema.pattern(site, field, v, NAME);
    }

    /** {@code cpu}: number, numeric string or null, within the configured bounds. */
    public static void cpu(Schema.Site site, Object v, Defaults d) {
        Schema.type(site, "cpu", v, "number", "string", "null");
        Schema.pattern(site, "cpu", v, CPU);
        Schema.minLength(site, "cpu", v, 1);
        Schema.minimum(site, "cpu", v, d.minCpu());
        Schema.maximum(site, "cpu", v, d.maxCpu());
    }

    /** {@code memory}: integer, digit string or null, MiB within the configured bounds. */
    public static void memory(Schema.Site site, Object v, Defaults d) {
        Schema.type(site, "memory", v, "string", "integer", "null");
        Schema.minimum(site, "memory", v, d.minMemory());
        Schema.maximum(site, "memory", v, d.maxMemory());
        Schema.pattern(site, "memory", v, DIGITS);
    }

    /** {@code disk}: integer, digit string or null, GB within the configured bounds. */
    public static void disk(Schema.Site site, Object v, Defaults d) {
        Schema.type(site, "disk", v, "string", "integer", "null");
        Schema.minimum(site, "disk", v, d.minDisk());
        Schema.maximum(site, "disk", v, d.maxDisk());
        Schema.pattern(site, "disk", v, DIGITS);
    }

    /** The narrow boolean ({@code true}, {@code false}, {@code True}, {@code true}, {@code False}, {@code false}). */
    public static void narrowBool(Schema.Site site, Object field, Object v) {
        Schema.type(site, field, v, "boolean", "string");
        Schema.enumOf(site, field, v, Schema.NARROW_BOOLEAN);
    }

    /** A validated narrow boolean as a Java boolean. */
    public static boolean toBool(Object v) {
        return v instanceof Boolean b ? b : QueryParams.NARROW_TRUE.contains((String) v);
    }

    /** A validated cpu as a double. */
    public static double toCpu(Object v) {
        return v instanceof Number n ? n.doubleValue() : Double.parseDouble((String) v);
    }

    /** A validated memory or disk as an int. */
    public static int toInt(Object v) {
        return v instanceof Number n ? n.intValue() : Integer.parseInt((String) v);
    }

    /** Fails a whole object with the bare additional-properties message when it has keys outside {@code allowed}. */
    public static void noAdditional(JsonObject body, List<String> allowed) {
        List<String> extras = Schema.extras(body, allowed);
        if (!extras.isEmpty()) {
            throw Schema.root(Schema.additionalMessage(extras));
        }
    }
}
