package io.zunvx.api.container;

import io.zunvx.api.http.Schema;

import io.vertx.core.MultiMap;
import java.util.Objects;

/**
 * The query of {@code GET .../get_archive} and {@code POST .../put_archive}: {@code path}, the file or directory in
 * the container. Like Zun, there is no schema: other parameters are ignored.
 *
 * @param path absolute path inside the container
 */
public record ArchivePathQuery(String path) {
    public ArchivePathQuery {
        Objects.requireNonNull(path, "path");
    }

    /**
     * Parses. A missing or empty {@code path} (a 500 in Zun) is {@code 400 schema-validation-error}:
     * {@code 'path' is a required property}.
     */
    public static ArchivePathQuery parse(MultiMap query) {
        String path = query.get("path");
        if (path == null || path.isEmpty()) {
            throw Schema.root(Schema.requiredMessage("path"));
        }
        return new ArchivePathQuery(path);
    }
}
