package io.zunvx.api.container;

import io.zunvx.api.http.Schema;
import io.zunvx.api.http.QueryParams;

import io.vertx.core.MultiMap;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The query of {@code POST .../resize} (the container's terminal): {@code h} and {@code w}, positive integers
 * (digit strings) up to {@value #MAX_SIZE} (a terminal's size is an unsigned 16-bit number; larger values would be
 * cut); no other parameter is allowed.
 *
 * @param height rows
 * @param width  columns
 */
public record TtyResizeQuery(int height, int width) {
    /** The largest terminal height or width, in rows or columns. */
    public static final int MAX_SIZE = 65535;
    private static final List<String> ALLOWED = List.of("h", "w");
    private static final Pattern DIGITS = Pattern.compile("^[0-9]*$");

    public TtyResizeQuery {
        if (height < 1 || width < 1 || height > MAX_SIZE || width > MAX_SIZE) {
            throw new IllegalArgumentException("height and width must be between 1 and " + MAX_SIZE);
        }
    }

    /**
     * Parses and validates; failures are {@code 400 schema-validation-error} with Zun's texts. Zun lets a missing (or
     * empty) {@code h} or {@code w} through to a 500; here it is {@code 'h' is a required property}.
     */
    public static TtyResizeQuery parse(MultiMap query) {
        Integer h = positive(query, "h");
        Integer w = positive(query, "w");
        QueryParams.rejectAdditional(query, ALLOWED);
        return new TtyResizeQuery(required(h, "h"), required(w, "w"));
    }

    /**
     * Zun's {@code positive_integer}: a digit string whose value is at least 1, here also at most {@link #MAX_SIZE};
     * {@code null} when absent or empty.
     */
    static Integer positive(MultiMap query, String name) {
        if (!query.contains(name)) {
            return null;
        }
        Object v = QueryParams.value(query, name);
        Schema.type(Schema.QUERY, name, v, "integer", "string");
        Schema.pattern(Schema.QUERY, name, v, DIGITS);
        Schema.minimum(Schema.QUERY, name, v, 1);
        String s = ((String) v).strip();
        if (s.isEmpty()) {
            return null;
        }
        Schema.maximum(Schema.QUERY, name, v, MAX_SIZE);
        return Integer.parseInt(s);
    }

    static int required(Integer value, String name) {
        if (value == null) {
            throw Schema.root(Schema.requiredMessage(name));
        }
        return value;
    }
}
