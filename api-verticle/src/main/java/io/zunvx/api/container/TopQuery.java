package io.zunvx.api.container;

import io.zunvx.api.http.Schema;
import io.zunvx.api.http.QueryParams;

import io.vertx.core.MultiMap;
import java.util.List;

/**
 * The query of {@code GET .../top}: {@code ps_args} (a string; {@code None}, as the client sends when unset, means
 * the runtime's default {@code ps} arguments); no other parameter is allowed.
 *
 * @param psArgs arguments for {@code ps}, or {@code null} for the default
 */
public record TopQuery(String psArgs) {
    private static final List<String> ALLOWED = List.of("ps_args");

    /** Parses and validates; failures are {@code 400 schema-validation-error} with Zun's texts. */
    public static TopQuery parse(MultiMap query) {
        Object v = QueryParams.value(query, "ps_args");
        if (v != null) {
            Schema.type(Schema.QUERY, "ps_args", v, "string");
        }
        QueryParams.rejectAdditional(query, ALLOWED);
        return new TopQuery(QueryParams.noneAsNull((String) v));
    }
}
