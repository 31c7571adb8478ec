package io.zunvx.api.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/**
 * Python semantics that leak into Zun's wire texts: {@code str()} and {@code repr()} of decoded JSON values (Zun's
 * validation messages are built from them) and {@code int()}/{@code float()} applied to strings (Zun's validator
 * converts numeric strings before range checks).
 */
public final class Py {
    private static final Pattern INT = Pattern.compile("[+-]?[0-9]+(_[0-9]+)*");
    private static final Pattern FLOAT = Pattern.compile(
            "[+-]?(([0-9]+(_[0-9]+)*)(\\.([0-9]+(_[0-9]+)*)?)?|\\.[0-9]+(_[0-9]+)*)([eE][+-]?[0-9]+(_[0-9]+)*)?");
    private static final Pattern SPECIAL_FLOAT = Pattern.compile("[+-]?(inf|infinity|nan)", Pattern.CASE_INSENSITIVE);

    private Py() {
    }

    /** Python's {@code str(value)}: strings as they are, everything else as {@link #repr}. */
    public static String str(Object value) {
        return value instanceof String s ? s : repr(value);
    }

    /** Python's {@code repr(value)} for a value decoded from JSON. */
    public static String repr(Object value) {
        if (value == null) {
            return "None";
        }
        if (value instanceof Boolean b) {
            return b ? "True" : "False";
        }
        if (value instanceof String s) {
            return reprString(s);
        }
        if (value instanceof Double || value instanceof Float) {
            return reprFloat(((Number) value).doubleValue());
        }
        if (value instanceof BigDecimal bd) {
            return reprFloat(bd.doubleValue());
        }
        if (value instanceof Number n) {
            return n.toString();
        }
        if (value instanceof JsonObject o) {
            StringJoiner j = new StringJoiner(", ", "{", "}");
            for (String k : o.fieldNames()) {
                j.add(reprString(k) + ": " + repr(o.getValue(k)));
            }
            return j.toString();
        }
        if (value instanceof JsonArray a) {
            StringJoiner j = new StringJoiner(", ", "[", "]");
            for (Object e : a) {
                j.add(repr(e));
            }
            return j.toString();
        }
        if (value instanceof Map<?, ?> m) {
            @SuppressWarnings("unchecked")
            Map<String, Object> map = (Map<String, Object>) m;
            return repr(new JsonObject(map));
        }
        if (value instanceof List<?> l) {
            return repr(new JsonArray(l));
        }
        return reprString(value.toString());
    }

    /** Python's {@code repr()} of a list, e.g. an enum's allowed values. */
    public static String reprList(List<?> values) {
        StringJoiner j = new StringJoiner(", ", "[", "]");
        for (Object v : values) {
            j.add(repr(v));
        }
        return j.toString();
    }

    public static String reprString(String s) {
        char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        StringBuilder b = new StringBuilder(s.length() + 2).append(quote);
        s.codePoints().forEach(c -> {
            if (c == quote || c == '\\') {
                b.append('\\').appendCodePoint(c);
            } else if (c == '\t') {
                b.append("\\t");
            } else if (c == '\n') {
                b.append("\\n");
            } else if (c == '\r') {
                b.append("\\r");
            } else if (c == ' ' || printable(c)) {
                b.appendCodePoint(c);
            } else if (c <= 0xff) {
                b.append(String.format("\\x%02x", c));
            } else if (c <= 0xffff) {
                b.append(String.format("\\u%04x", c));
            } else {
                b.append(String.format("\\U%08x", c));
            }
        });
        return b.append(quote).toString();
    }

    private static boolean printable(int c) {
        return switch (Character.getType(c)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE,
                 Character.UNASSIGNED, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                 Character.SPACE_SEPARATOR -> false;
            default -> true;
        };
    }

    /** Python's shortest round-trip float repr: {@code 16.0}, {@code 0.1}, {@code 1e-05}, {@code 1e+16}. */
    public static String reprFloat(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0) {
            return 1 / d < 0 ? "-0.0" : "0.0";
        }
        BigDecimal bd = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        String digits = bd.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - bd.scale();
        String sign = d < 0 ? "-" : "";
        if (exponent >= -4 && exponent < 16) {
            String plain = bd.abs().toPlainString();
            return sign + (plain.indexOf('.') < 0 ? plain + ".0" : plain);
        }
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        String exp = String.format("%02d", Math.abs(exponent));
        return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + exp;
    }

    /** Python's {@code int(s)} on a string, or {@code null} where it raises. */
    public static BigInteger parseInt(String s) {
        String t = s.strip();
        if (!INT.matcher(t).matches()) {
            return null;
        }
        return new BigInteger(t.replace("_", ""));
    }

    /** Python's {@code float(s)} on a string, or {@code null} where it raises. */
    public static Double parseFloat(String s) {
        String t = s.strip();
        if (SPECIAL_FLOAT.matcher(t).matches()) {
            boolean negative = t.startsWith("-");
            String word = t.replaceFirst("^[+-]", "").toLowerCase(Locale.ROOT);
            if (word.equals("nan")) {
                return Double.NaN;
            }
            return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        if (!FLOAT.matcher(t).matches()) {
            return null;
        }
        return Double.parseDouble(t.replace("_", ""));
    }

    /** Whether the value is a JSON number (Python {@code int} or {@code float}, never {@code bool}). */
    public static boolean isNumber(Object v) {
        return v instanceof Number;
    }

    /** Whether the value is a JSON integer (jsonschema draft 4: a Python {@code int}, never {@code 1.0}). */
    public static boolean isInteger(Object v) {
        return v instanceof Integer || v instanceof Long || v instanceof BigInteger || v instanceof Short
                || v instanceof Byte;
    }

    /** Exact comparison of two numbers across int and float, as Python compares them; neither may be NaN. */
    public static int compare(Number a, Number b) {
        if (isInfinite(a) || isInfinite(b)) {
            return Double.compare(a.doubleValue(), b.doubleValue());
        }
        return toBigDecimal(a).compareTo(toBigDecimal(b));
    }

    public static boolean isNaN(Number n) {
        return (n instanceof Double d && d.isNaN()) || (n instanceof Float f && f.isNaN());
    }

    public static boolean isInfinite(Number n) {
        return (n instanceof Double d && d.isInfinite()) || (n instanceof Float f && f.isInfinite());
    }

    private static BigDecimal toBigDecimal(Number n) {
        if (n instanceof BigDecimal bd) {
            return bd;
        }
        if (n instanceof BigInteger bi) {
            return new BigDecimal(bi);
        }
        if (n instanceof Double || n instanceof Float) {
            return new BigDecimal(n.doubleValue());
        }
        return BigDecimal.valueOf(n.longValue());
    }
}
