package io.zunvx.api.container;

import io.zunvx.api.http.Schema;
import io.zunvx.api.http.Py;
import io.zunvx.api.http.QueryParams;

import io.vertx.core.MultiMap;
import io.zunvx.platform.error.ZunException;
import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The query of {@code GET .../logs}: {@code stdout}, {@code stderr}, {@code timestamps} (extended booleans, default
 * true, true, false), {@code tail} (a line count; anything that is not an integer means all) and {@code since}
 * (epoch seconds, or {@code YYYY-MM-DD HH:MM:SS,fff} read as UTC); no other parameter is allowed.
 *
 * @param stdout     include standard output
 * @param stderr     include standard error
 * @param timestamps prefix lines with timestamps
 * @param tail       number of lines from the end, or {@code null} for all
 * @param since      only lines from this many seconds after the epoch on, or {@code null} for all
 */
public record LogsQuery(boolean stdout, boolean stderr, boolean timestamps, Integer tail, Long since) {
    private static final List<String> ALLOWED = List.of("stdout", "stderr", "timestamps", "tail", "since");
    private static final Pattern SINCE = Pattern.compile(
            "(^[0-9]*$)|([0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2},[0-9]{1,3})");
    private static final Pattern DATE_TIME = Pattern.compile(
            "([0-9]{4})-([0-9]{1,2})-([0-9]{1,2}) ([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2}),([0-9]{1,6})");
    private static final Pattern DIGITS = Pattern.compile("[0-9]+");

    public LogsQuery {
        if (tail != null && tail < 0) {
            throw new IllegalArgumentException("tail must not be negative");
        }
    }

    /** All of both streams, no timestamps. */
    public static LogsQuery defaults() {
        return new LogsQuery(true, true, false, null, null);
    }

    /**
     * Parses and validates; schema failures are {@code 400 schema-validation-error}. A {@code since} that passes
     * Zun's pattern but is no real date-time fails with {@code 400 invalid-value} and Python's {@code strptime}
     * text.
     */
    public static LogsQuery parse(MultiMap query) {
        boolean stdout = QueryParams.extendedBool(query, "stdout", true);
        boolean stderr = QueryParams.extendedBool(query, "stderr", true);
        boolean timestamps = QueryParams.extendedBool(query, "timestamps", false);
        Integer tail = null;
        if (query.contains("tail")) {
            Object v = QueryParams.value(query, "tail");
            Schema.type(Schema.QUERY, "tail", v, "string", "integer", "null");
            tail = tail((String) v);
        }
        Long since = null;
        if (query.contains("since")) {
            Object v = QueryParams.value(query, "since");
            Schema.type(Schema.QUERY, "since", v, "string", "integer", "null");
            Schema.pattern(Schema.QUERY, "since", v, SINCE);
            since = since((String) v);
        }
        QueryParams.rejectAdditional(query, ALLOWED);
        return new LogsQuery(stdout, stderr, timestamps, tail, since);
    }

    private static Integer tail(String v) {
        BigInteger n = Py.parseInt(v);
        if (n == null || n.signum() < 0) {
            return null;
        }
        return n.min(BigInteger.valueOf(Integer.MAX_VALUE)).intValue();
    }

    private static Long since(String v) {
        if (DIGITS.matcher(v).matches()) {
            BigInteger n = new BigInteger(v);
            if (n.bitLength() < 63) {
                return n.longValue();
            }
        }
        Matcher m = DATE_TIME.matcher(v);
        if (m.matches()) {
            try {
                return LocalDateTime.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                        Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)),
                        Integer.parseInt(m.group(6))).toEpochSecond(ZoneOffset.UTC);
            } catch (DateTimeException e) {
                // falls through to the same failure Python's strptime gives
            }
        }
        throw ZunException.invalid("time data " + Py.reprString(v) + " does not match format '%Y-%m-%d %H:%M:%S,%f'");
    }
}
