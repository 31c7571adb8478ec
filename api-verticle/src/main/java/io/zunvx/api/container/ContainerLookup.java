package io.zunvx.api.container;

import io.vertx.core.Future;
import io.zunvx.model.Container;
import io.zunvx.platform.auth.Identity;
import io.zunvx.platform.container.ContainerCatalog;
import io.zunvx.platform.error.ZunException;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Resolves {@code {c}} as Zun does: a UUID-like identifier by uuid, anything else by name. Non-admins see only their
 * project (others' containers answer 404); several containers with the name → 409.
 */
public final class ContainerLookup {
    private static final Pattern UUID_LIKE = Pattern.compile(
            "[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}");

    private final ContainerCatalog catalog;

    public ContainerLookup(ContainerCatalog catalog) {
        this.catalog = catalog;
    }

    public Future<Container> resolve(String ident, Identity who) {
        if (UUID_LIKE.matcher(ident).matches()) {
            UUID uuid = parseUuid(ident);
            return catalog.find(uuid).compose(found -> found.isPresent() && visible(found.get(), who)
                    ? Future.succeededFuture(found.get())
                    : Future.failedFuture(ZunException.containerNotFound(ident)));
        }
        return catalog.findByName(ident, who.isAdmin() ? null : who.projectId()).compose(list -> {
            if (list.isEmpty()) {
                return Future.failedFuture(ZunException.containerNotFound(ident));
            }
            if (list.size() > 1) {
                return Future.failedFuture(new ZunException(409, "conflict",
                        "Multiple containers exist with same name. Please use the container uuid instead."));
            }
            return Future.succeededFuture(list.getFirst());
        });
    }

    private static boolean visible(Container c, Identity who) {
        // A capsule's containers are not containers of the API (as in Zun): reached through the capsule only.
        return !c.inCapsule() && (who.isAdmin() || who.projectId().equals(c.projectId()));
    }

    private static UUID parseUuid(String s) {
        String hex = s.replace("-", "");
        return UUID.fromString(hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16) + "-"
                + hex.substring(16, 20) + "-" + hex.substring(20));
    }
}
