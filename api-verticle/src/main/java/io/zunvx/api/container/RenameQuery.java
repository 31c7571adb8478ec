package io.zunvx.api.container;

import io.zunvx.api.http.Schema;
import io.zunvx.api.http.QueryParams;

import io.vertx.core.MultiMap;
import java.util.List;
import java.util.Objects;

/**
 * The query of {@code POST .../rename} (microversions 1.1-1.13): {@code name} with the container-name rules; no
 * other parameter is allowed.
 *
 * @param name the new name
 */
public record RenameQuery(String name) {
    private static final List<String> ALLOWED = List.of("name");

    public RenameQuery {
        Objects.requireNonNull(name, "name");
    }

    /**
     * Parses and validates; failures are {@code 400 schema-validation-error} with Zun's texts; a missing
     * {@code name} is {@code 'name' is a required property}.
     */
    public static RenameQuery parse(MultiMap query) {
        Object name = QueryParams.value(query, "name");
        if (name != null) {
            ContainerFields.name(Schema.QUERY, "name", name);
        }
        QueryParams.rejectAdditional(query, ALLOWED);
        if (name == null) {
            throw Schema.root(Schema.requiredMessage("name"));
        }
        return new RenameQuery((String) name);
    }
}
