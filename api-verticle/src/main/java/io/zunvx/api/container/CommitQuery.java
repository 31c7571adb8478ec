package io.zunvx.api.container;

import io.zunvx.api.http.Schema;
import io.zunvx.api.http.Py;
import io.zunvx.api.http.QueryParams;

import io.vertx.core.MultiMap;
import io.zunvx.platform.error.ZunException;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The query of {@code POST .../commit}: {@code repository} (required) and {@code tag} (default {@code latest};
 * {@code None} also means the default); no other parameter is allowed.
 *
 * @param repository the new image's repository, e.g. {@code myrepo/snapshot} or {@code registry:5000/team/app}
 * @param tag        the new image's tag
 */
public record CommitQuery(String repository, String tag) {
    private static final List<String> ALLOWED = List.of("repository", "tag");
    /** Docker's reference grammar: optional registry host[:port], then lowercase path components. */
    private static final Pattern REPOSITORY = Pattern.compile(
            "^((?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*"
                    + "(?::[0-9]+)?/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$");
    private static final Pattern TAG = Pattern.compile("^[\\w][\\w.-]{0,127}$");

    public CommitQuery {
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(tag, "tag");
    }

    /**
     * Parses and validates. Schema failures are {@code 400 schema-validation-error} with Zun's texts. Names Docker
     * would refuse are {@code 400 invalid-value} here, at once, where Zun accepts them and fails later.
     */
    public static CommitQuery parse(MultiMap query) {
        Object repository = QueryParams.value(query, "repository");
        if (repository != null) {
            Schema.type(Schema.QUERY, "repository", repository, "string");
        }
        Object tag = QueryParams.value(query, "tag");
        if (tag != null) {
            Schema.type(Schema.QUERY, "tag", tag, "string");
        }
        if (repository == null) {
            throw Schema.root(Schema.requiredMessage("repository"));
        }
        QueryParams.rejectAdditional(query, ALLOWED);
        String repo = (String) repository;
        String t = QueryParams.noneAsNull((String) tag);
        if (t == null) {
            t = "latest";
        }
        if (repo.length() > 255 || !REPOSITORY.matcher(repo).matches()) {
            throw ZunException.invalid("Invalid repository name " + Py.reprString(repo)
                    + ": it must be a lowercase image name, optionally prefixed by a registry host.");
        }
        if (!TAG.matcher(t).matches()) {
            throw ZunException.invalid("Invalid tag " + Py.reprString(t)
                    + ": it must be up to 128 letters, digits, '_', '.' or '-', not starting with '.' or '-'.");
        }
        return new CommitQuery(repo, t);
    }
}
