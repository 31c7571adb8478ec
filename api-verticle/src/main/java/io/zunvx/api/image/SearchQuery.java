package io.zunvx.api.image;

import io.zunvx.api.http.Schema;
import io.zunvx.api.http.QueryParams;

import io.vertx.core.MultiMap;
import java.util.Arrays;
import java.util.List;

/**
 * The query of {@code GET /v1/images/{image}/search}: {@code image_driver} ({@code glance}, {@code docker},
 * {@code None}; absent or {@code None} mean {@code docker}) and {@code exact_match} (narrow boolean, default false);
 * no other parameter is allowed.
 *
 * @param imageDriver {@code glance} or {@code docker}
 * @param exactMatch  whether names must equal the term rather than contain it
 */
public record SearchQuery(String imageDriver, boolean exactMatch) {
    private static final List<String> ALLOWED = List.of("image_driver", "exact_match");
    private static final List<Object> DRIVERS = Arrays.asList("glance", "docker", null, "None");

    /** Parses with Zun's schema texts ({@code 400 schema-validation-error}). */
    public static SearchQuery parse(MultiMap query) {
        String driver = null;
        if (query.contains("image_driver")) {
            Object v = QueryParams.value(query, "image_driver");
            Schema.type(Schema.QUERY, "image_driver", v, "string", "null");
            Schema.enumOf(Schema.QUERY, "image_driver", v, DRIVERS);
            driver = QueryParams.noneAsNull((String) v);
        }
        boolean exact = QueryParams.narrowBool(query, "exact_match", false);
        QueryParams.rejectAdditional(query, ALLOWED);
        return new SearchQuery(driver == null ? "docker" : driver, exact);
    }
}
