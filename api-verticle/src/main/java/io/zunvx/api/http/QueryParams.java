package io.zunvx.api.http;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.zunvx.platform.error.ZunException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Query-string parsing with Zun's rules and texts (reference §2, §3.2, §9.1).
 *
 * <p>Parameters validated by a Zun query schema fail with {@code 400 schema-validation-error} and
 * {@code Invalid input for query parameters '<p>'. Value: '<v>'. <message>}; unknown parameters on such actions fail
 * with the bare {@code Additional properties are not allowed (...)}. A parameter given more than once is seen as a
 * list, as Zun sees it, and fails every scalar check.
 */
public final class QueryParams {
    /** The extended boolean spellings that mean true. */
    public static final Set<String> EXTENDED_TRUE = Set.of("True", "TRUE", "true", "1", "ON", "On", "on", "YES", "Yes",
            "yes");
    /** The extended boolean spellings that mean false. */
    public static final Set<String> EXTENDED_FALSE = Set.of("False", "FALSE", "false", "0", "OFF", "Off", "off", "NO",
            "No", "no");
    /** The narrow boolean spellings that mean true. */
    public static final Set<String> NARROW_TRUE = Set.of("True", "true");
    /** The narrow boolean spellings that mean false. */
    public static final Set<String> NARROW_FALSE = Set.of("False", "false");

    private static final List<String> OSLO_TRUE = List.of("1", "t", "true", "on", "y", "yes");
    private static final List<String> OSLO_FALSE = List.of("0", "f", "false", "off", "n", "no");
    private static final Pattern NON_NEGATIVE_INTEGER = Pattern.compile("^[0-9]*$");

    private QueryParams() {
    }

    /**
     * The value Zun's schema sees for {@code name}: {@code null} when absent, the string when given once, a
     * {@link JsonArray} of strings when repeated.
     */
    public static Object value(MultiMap query, String name) {
        List<String> all = query.getAll(name);
        if (all.isEmpty()) {
            return null;
        }
        return all.size() == 1 ? all.get(0) : new JsonArray(new ArrayList<>(all));
    }

    /**
     * An extended-set boolean ({@code True TRUE true 1 ON On on YES Yes yes} and the false spellings).
     *
     * @param absent the value when the parameter is not given
     */
    public static boolean extendedBool(MultiMap query, String name, boolean absent) {
        return bool(query, name, absent, Schema.EXTENDED_BOOLEAN);
    }

    /** A narrow-set boolean ({@code True true False false}). */
    public static boolean narrowBool(MultiMap query, String name, boolean absent) {
        return bool(query, name, absent, Schema.NARROW_BOOLEAN);
    }

    private static boolean bool(MultiMap query, String name, boolean absent, List<Object> allowed) {
        if (!query.contains(name)) {
            return absent;
        }
        Object v = value(query, name);
        Schema.type(Schema.QUERY, name, v, "boolean", "string");
        Schema.enumOf(Schema.QUERY, name, v, allowed);
        return EXTENDED_TRUE.contains((String) v);
    }

    /**
     * oslo's strict {@code bool_from_string}, which Zun applies to {@code all_projects} outside any schema: any case,
     * surrounding blanks ignored, {@code 1 t true on y yes} / {@code 0 f false off n no}. An empty value is false.
     *
     * @throws ZunException 400 {@code invalid-value}: {@code Valid <name> values are: 1, t, true, ...}
     */
    public static boolean osloBool(String value, String name) {
        if (value == null || value.isEmpty()) {
            return false;
        }
        String lowered = value.strip().toLowerCase(Locale.ROOT);
        if (OSLO_TRUE.contains(lowered)) {
            return true;
        }
        if (OSLO_FALSE.contains(lowered)) {
            return false;
        }
        List<String> all = new ArrayList<>(OSLO_TRUE);
        all.addAll(OSLO_FALSE);
        throw ZunException.invalid("Valid " + name + " values are: " + String.join(", ", all));
    }

    /** {@code all_projects} as Zun reads it for list and show. */
    public static boolean allProjects(MultiMap query) {
        return osloBool(query.get("all_projects"), "all_projects");
    }

    /**
     * Zun's {@code None} convention for optional string parameters the client fills with {@code None}
     * ({@code signal}, {@code ps_args}, {@code image_driver}): absent or {@code None} become {@code null}.
     */
    public static String noneAsNull(String value) {
        return value == null || value.equals("None") ? null : value;
    }

    /**
     * A page size: Python's {@code int()} of the value, which must be positive, capped at {@code maxLimit}; absent
     * means {@code maxLimit}.
     *
     * @throws ZunException 400 {@code invalid-value}: {@code Limit must be positive integer}
     */
    public static int limit(String value, int maxLimit) {
        if (value == null) {
            return maxLimit;
        }
        BigInteger n = Py.parseInt(value);
        if (n == null || n.signum() <= 0) {
            throw ZunException.invalid("Limit must be positive integer");
        }
        return n.min(BigInteger.valueOf(maxLimit)).intValue();
    }

    /**
     * {@code asc} or {@code desc}; absent means {@code asc}.
     *
     * @throws ZunException 400 {@code invalid-value}: {@code Invalid sort direction: x. Acceptable values are 'asc'
     *                      or 'desc'}
     */
    public static String sortDir(String value) {
        if (value == null) {
            return "asc";
        }
        if (!value.equals("asc") && !value.equals("desc")) {
            throw ZunException.invalid("Invalid sort direction: " + value
                    + ". Acceptable values are 'asc' or 'desc'");
        }
        return value;
    }

    /**
     * A {@code non_negative_integer} parameter such as {@code timeout}: digits only, at most {@code max}. Absent or
     * empty (which Zun's pattern lets through) give {@code null}.
     *
     * @throws ZunException 400 {@code schema-validation-error}, e.g. {@code ... 99999 is greater than the maximum of
     *                      3600}
     */
    public static Integer nonNegativeInt(MultiMap query, String name, int max) {
        if (!query.contains(name)) {
            return null;
        }
        Object v = value(query, name);
        Schema.type(Schema.QUERY, name, v, "integer", "string");
        Schema.pattern(Schema.QUERY, name, v, NON_NEGATIVE_INTEGER);
        String s = ((String) v).strip();
        if (s.isEmpty()) {
            return null;
        }
        Schema.maximum(Schema.QUERY, name, v, max);
        return Integer.parseInt(s);
    }

    /**
     * Rejects parameters outside a Zun query schema ({@code additionalProperties: false}) with the bare jsonschema
     * message, e.g. {@code Additional properties are not allowed ('x' was unexpected)}.
     */
    public static void rejectAdditional(MultiMap query, Collection<String> allowed) {
        List<String> extras = new ArrayList<>();
        for (String name : names(query)) {
            if (!allowed.contains(name)) {
                extras.add(name);
            }
        }
        if (!extras.isEmpty()) {
            throw Schema.root(Schema.additionalMessage(extras));
        }
    }

    /**
     * Rejects parameters a list call does not know, as Zun's list controllers do.
     *
     * @throws ZunException 400 {@code invalid-value}: {@code Unknown parameters: a, b}
     */
    public static void rejectUnknown(MultiMap query, Collection<String> known) {
        List<String> unknown = new ArrayList<>();
        for (String name : names(query)) {
            if (!known.contains(name)) {
                unknown.add(name);
            }
        }
        if (!unknown.isEmpty()) {
            throw ZunException.invalid("Unknown parameters: " + String.join(", ", unknown));
        }
    }

    /** Parameter names in the order they were sent ({@link MultiMap#names()} may sort them). */
    public static Set<String> names(MultiMap query) {
        Set<String> names = new LinkedHashSet<>();
        query.forEach(e -> names.add(e.getKey()));
        return names;
    }
}
