package io.zunvx.api.registry;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.zunvx.api.http.PageQuery;
import io.zunvx.model.Registry;
import io.zunvx.platform.auth.Identity;
import io.zunvx.platform.error.ZunException;
import io.zunvx.platform.registry.RegistryRepository;

/**
 * Resolves a registry identifier as Zun does: a UUID-like one by uuid, anything else by name. Another project's
 * registry answers 404 (admins see every project's, as with containers); several with the name → 409.
 */
public final class RegistryLookup {
    private final RegistryRepository repo;

    public RegistryLookup(RegistryRepository repo) {
        this.repo = repo;
    }

    /** The registry {@code ident} visible to {@code who}. */
    public Future<Registry> resolve(SqlClient db, String ident, Identity who) {
        return resolve(db, ident, who.isAdmin() ? null : who.projectId());
    }

    /**
     * The registry {@code ident} of {@code projectId} only, whoever asks: what a container create names is looked
     * up in the caller's project.
     */
    public Future<Registry> resolveInProject(SqlClient db, String ident, String projectId) {
        return resolve(db, ident, projectId);
    }

    private Future<Registry> resolve(SqlClient db, String ident, String project) {
        if (PageQuery.isUuidLike(ident)) {
            return repo.find(db, PageQuery.toUuid(ident)).compose(found -> found.isPresent()
                    && (project == null || project.equals(found.get().projectId()))
                    ? Future.succeededFuture(found.get())
                    : Future.failedFuture(notFound(ident)));
        }
        return repo.findByName(db, project, ident).compose(list -> {
            if (list.isEmpty()) {
                return Future.failedFuture(notFound(ident));
            }
            if (list.size() > 1) {
                return Future.failedFuture(ZunException.conflict(
                        "Multiple registries exist with same name. Please use the registry uuid instead."));
            }
            return Future.succeededFuture(list.getFirst());
        });
    }

    /** Zun's {@code RegistryNotFound}. */
    public static ZunException notFound(String ident) {
        return ZunException.notFound("registry-not-found", "Registry " + ident + " could not be found.");
    }
}
