package io.zunvx.api.container;

import io.zunvx.api.http.Schema;
import io.zunvx.api.http.QueryParams;

import io.vertx.core.MultiMap;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The query of {@code POST .../execute_resize}: {@code exec_id} (64 lowercase hex digits), {@code h} and {@code w}
 * (positive integers); no other parameter is allowed.
 *
 * @param execId the exec instance
 * @param height rows
 * @param width  columns
 */
public record ExecResizeQuery(String execId, int height, int width) {
    private static final List<String> ALLOWED = List.of("exec_id", "h", "w");
    private static final Pattern HEX = Pattern.compile("^[a-f0-9]*$");

    public ExecResizeQuery {
        Objects.requireNonNull(execId, "execId");
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("height and width must be positive");
        }
    }

    /**
     * Parses and validates; failures are {@code 400 schema-validation-error} with Zun's texts. A missing parameter
     * (Zun: 400 from its framework for {@code exec_id}, a 500 for {@code h} or {@code w}) is
     * {@code '<name>' is a required property}.
     */
    public static ExecResizeQuery parse(MultiMap query) {
        Object execId = QueryParams.value(query, "exec_id");
        if (execId != null) {
            Schema.type(Schema.QUERY, "exec_id", execId, "string");
            Schema.maxLength(Schema.QUERY, "exec_id", execId, 64);
            Schema.minLength(Schema.QUERY, "exec_id", execId, 64);
            Schema.pattern(Schema.QUERY, "exec_id", execId, HEX);
        }
        Integer h = TtyResizeQuery.positive(query, "h");
        Integer w = TtyResizeQuery.positive(query, "w");
        QueryParams.rejectAdditional(query, ALLOWED);
        if (execId == null) {
            throw Schema.root(Schema.requiredMessage("exec_id"));
        }
        return new ExecResizeQuery((String) execId, TtyResizeQuery.required(h, "h"), TtyResizeQuery.required(w, "w"));
    }
}
