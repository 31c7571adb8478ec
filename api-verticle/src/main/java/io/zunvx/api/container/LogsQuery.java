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
 * true, true, false), {@code tail} ({@code all}, or a line count from 0 to {@value #MAX_TAIL}; anything else is
 * 400) and {@code since} (epoch seconds up to {@value #MAX_SINCE}, the end of the year 9999, or
 * {@code YYYY-MM-DD HH:MM:SS,fff} read as UTC); no other parameter is allowed.
 *
 * @param stdout     include standard output
 * @param stderr     include standard error
 * @param timestamps prefix lines with timestamps
 * @param tail       number of lines from the end, or {@code null} for all
 * @param since      only lines from this many seconds after the epoch on, or {@code null} for all
 */
public record LogsQuery(boolean stdout, boolean stderr, boolean timestamps, Integer tail, Long since) {
    /** The most lines {@code tail} may ask for by number. */
    public static final int MAX_TAIL = 1_000_000;
    /** The latest {@code since} in epoch seconds (9999-12-31 23:59:59 UTC). */
    public static final long MAX_SINCE = 253_402_300_799L;
    private static final List<String> ALLOWED = List.of("stdout", "stderr", "timestamps", "tail", "since");
    private static final Pattern SINCE = Pattern.compile(
            "(^[0-9]*$)|([0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2},[0-9]{1,3})");
    private static final Pattern DATE_TIME = Pattern.compile(
            "([0-9]{4})-([0-9]{1,2})-([0-9]{1,2}) ([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2}),([0-9]{1,6})");
    private static final Pattern DIGITS = Pattern.compile("[0-9]+");

    public LogsQuery {
        if (tail != null && (tail < 0 || tail > MAX_TAIL)) {
            throw new IllegalArgumentException("tail must be between 0 and " + MAX_TAIL);
        }
        if (since != null && (since < 0 || since > MAX_SINCE)) {
            throw new IllegalArgumentException("since must be between 0 and " + MAX_SINCE);
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
        if (v == null || "all".equalsIgnoreCase(v.strip())) {
            return null;
        }
        BigInteger n = Py.parseInt(v);
        String prefix = "Invalid input for query parameters 'tail'. Value: " + Py.reprString(v) + ". ";
        if (n == null) {
            throw ZunException.schema(prefix + Py.reprString(v) + " is not 'all' or an integer");
        }
        if (n.signum() < 0) {
            throw ZunException.schema(prefix + n + " is less than the minimum of 0");
        }
        Schema.maximum(Schema.QUERY, "tail", v, MAX_TAIL);
        return n.intValueExact();
    }

    private static Long since(String v) {
        if (DIGITS.matcher(v).matches()) {
            Schema.maximum(Schema.QUERY, "since", v, MAX_SINCE);
            return Long.parseLong(v);
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
