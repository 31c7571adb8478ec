package io.zunvx.api.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zunvx.platform.error.ZunException;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The subset of JSON-schema (draft 4) checks Zun's request schemas use, failing with the texts Zun's validator
 * produces: the jsonschema message, prefixed with the failing field and value unless the failure is at the root.
 */
public final class Schema {

    /** Where a failure below the root is reported; {@code field} is the innermost path element, as Zun pops it. */
    @FunctionalInterface
    public interface Site {
        ZunException fail(Object field, Object instance, String message);
    }

    /** A request-body field: {@code Invalid input for field '<f>'.Value: '<v>'. <message>}. */
    public static final Site BODY = (field, instance, message) -> ZunException.schema(
            "Invalid input for field '" + Py.str(field) + "'.Value: '" + Py.str(instance) + "'. " + message);

    /** A query parameter: {@code Invalid input for query parameters '<f>'. Value: '<v>'. <message>}. */
    public static final Site QUERY = (field, instance, message) -> ZunException.schema(
            "Invalid input for query parameters '" + Py.str(field) + "'. Value: '" + Py.str(instance) + "'. "
                    + message);

    public static final List<Object> NARROW_BOOLEAN = Arrays.asList(true, "True", "true", false, "False", "false");
    public static final List<Object> EXTENDED_BOOLEAN = Arrays.asList(true, "True", "TRUE", "true", "1", "ON", "On", "on",
            "YES", "Yes", "yes", false, "False", "FALSE", "false", "0", "OFF", "Off", "off", "NO", "No", "no");

    private Schema() {
    }

    /** A failure at the document root: the bare jsonschema message. */
    public static ZunException root(String message) {
        return ZunException.schema(message);
    }

    public static boolean isType(Object v, String type) {
        return switch (type) {
            case "string" -> v instanceof String;
            case "integer" -> Py.isInteger(v);
            case "number" -> Py.isNumber(v);
            case "boolean" -> v instanceof Boolean;
            case "null" -> v == null;
            case "object" -> v instanceof JsonObject || v instanceof Map;
            case "array" -> v instanceof JsonArray || v instanceof List;
            default -> throw new IllegalArgumentException("unknown JSON type " + type);
        };
    }

    public static String typeMessage(Object v, String... types) {
        return Py.repr(v) + " is not of type "
                + Arrays.stream(types).map(Py::reprString).collect(Collectors.joining(", "));
    }

    public static void type(Site site, Object field, Object v, String... types) {
        for (String t : types) {
            if (isType(v, t)) {
                return;
            }
        }
        throw site.fail(field, v, typeMessage(v, types));
    }

    public static void minLength(Site site, Object field, Object v, int min) {
        if (v instanceof String s && s.codePointCount(0, s.length()) < min) {
            throw site.fail(field, v, Py.repr(v) + " is too short");
        }
    }

    public static void maxLength(Site site, Object field, Object v, int max) {
        if (v instanceof String s && s.codePointCount(0, s.length()) > max) {
            throw site.fail(field, v, Py.repr(v) + " is too long");
        }
    }

    /** Python's {@code re.search}: the pattern may match anywhere unless it anchors itself. */
    public static void pattern(Site site, Object field, Object v, Pattern pattern) {
        if (v instanceof String s && !pattern.matcher(s).find()) {
            throw site.fail(field, v, Py.repr(v) + " does not match " + Py.reprString(pattern.pattern()));
        }
    }

    public static boolean enumContains(List<?> allowed, Object v) {
        for (Object a : allowed) {
            if (Objects.equals(a, v) && (a == null || a.getClass() == v.getClass())) {
                return true;
            }
        }
        return false;
    }

    public static void enumOf(Site site, Object field, Object v, List<?> allowed) {
        if (!enumContains(allowed, v)) {
            throw site.fail(field, v, Py.repr(v) + " is not one of " + Py.reprList(allowed));
        }
    }

    /**
     * Zun's replacement of jsonschema's {@code minimum}: numeric strings are converted with Python's {@code int()}
     * then {@code float()} first, and the message and value name the converted number.
     */
    public static void minimum(Site site, Object field, Object v, Number min) {
        Number n = numberFrom(v);
        if (n != null && !Py.isNaN(n) && Py.compare(n, min) < 0) {
            throw site.fail(field, n, Py.repr(n) + " is less than the minimum of " + Py.repr(min));
        }
    }

    public static void maximum(Site site, Object field, Object v, Number max) {
        Number n = numberFrom(v);
        if (n != null && !Py.isNaN(n) && Py.compare(n, max) > 0) {
            throw site.fail(field, n, Py.repr(n) + " is greater than the maximum of " + Py.repr(max));
        }
    }

    /** Zun's {@code _number_from_str}: numbers as they are, strings through {@code int()} or {@code float()}. */
    public static Number numberFrom(Object v) {
        if (v instanceof Number n) {
            return n;
        }
        if (v instanceof String s) {
            BigInteger i = Py.parseInt(s);
            if (i != null) {
                return i.bitLength() < 63 ? (Number) i.longValue() : i;
            }
            return Py.parseFloat(s);
        }
        return null;
    }

    public static String requiredMessage(String property) {
        return Py.reprString(property) + " is a required property";
    }

    public static String additionalMessage(List<String> extras) {
        String names = extras.stream().map(Py::reprString).collect(Collectors.joining(", "));
        return "Additional properties are not allowed (" + names + (extras.size() == 1 ? " was" : " were")
                + " unexpected)";
    }

    /** Keys of {@code object} that are not in {@code allowed}, in the order they were sent. */
    public static List<String> extras(JsonObject object, Collection<String> allowed) {
        return object.fieldNames().stream().filter(k -> !allowed.contains(k)).toList();
    }

    public static JsonObject object(Object v) {
        if (v instanceof JsonObject o) {
            return o;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) v;
        return new JsonObject(m);
    }

    public static JsonArray array(Object v) {
        return v instanceof JsonArray a ? a : new JsonArray((List<?>) v);
    }
}
