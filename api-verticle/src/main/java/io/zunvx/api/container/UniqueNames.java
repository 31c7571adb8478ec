package io.zunvx.api.container;

import io.vertx.core.Future;
import io.zunvx.platform.auth.Identity;
import io.zunvx.platform.container.ContainerCatalog;
import io.zunvx.platform.error.ZunException;

/**
 * Zun's {@code [compute] unique_container_name_scope}: {@code ""} (names may repeat), {@code project} or
 * {@code global}. A name taken in the scope is 409 {@code container-already-exists}, for create, update and rename.
 */
final class UniqueNames {
    private final ContainerCatalog catalog;
    private final String scope;

    UniqueNames(ContainerCatalog catalog, String scope) {
        this.catalog = catalog;
        this.scope = scope == null ? "" : scope;
    }

    Future<Void> check(String name, Identity who) {
        if (scope.isEmpty()) {
            return Future.succeededFuture();
        }
        String project = "project".equals(scope) ? who.projectId() : null;
        return catalog.nameTaken(name, project).compose(taken -> taken
                ? Future.failedFuture(new ZunException(409, "container-already-exists",
                        "A container with name " + name + " already exists."))
                : Future.succeededFuture());
    }
}
