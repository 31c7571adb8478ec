package io.zunvx.api.container;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.zunvx.api.image.ImageApi;
import io.zunvx.api.registry.RegistryLookup;
import io.zunvx.api.image.ImageReference;
import io.zunvx.api.http.PageQuery;
import io.zunvx.model.Registry;
import io.zunvx.model.StoreImage;
import io.zunvx.platform.error.ZunException;
import io.zunvx.platform.image.StoreImageRepository;
import io.zunvx.platform.registry.RegistryRepository;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * What a container's image must satisfy before anything is written (create and rebuild), and the registry its pull
 * uses.
 *
 * <ul>
 *   <li>{@code docker} driver: the image must be a valid Docker reference (400 naming it otherwise). Zun finds out on
 *       the compute host and leaves the container in {@code Error}; refusing at once loses nothing and tells the
 *       caller which field is wrong.</li>
 *   <li>{@code glance} driver: the image (a store image id, or its name) must be a {@code docker}-format image of the
 *       store that the container's project can see: 404 {@code image-not-found} when there is none, 409 when the
 *       name is ambiguous (Zun's texts), 400 when it has no data yet. Zun checks this on the compute host too; the
 *       API answers here because the caller can still fix it, and the host checks again when it loads the image.</li>
 *   <li>Registry: a named {@code registry} (uuid or name) is looked up in the caller's project (404
 *       {@code registry-not-found}); without one, the project's oldest registry whose domain is the image's registry
 *       host is used, if any, as Zun's pull does.</li>
 * </ul>
 */
final class ImageChecks {
    private final RegistryRepository registries;
    private final RegistryLookup registryLookup;
    private final StoreImageRepository store;

    ImageChecks(RegistryRepository registries, StoreImageRepository store) {
        this.registries = registries;
        this.registryLookup = new RegistryLookup(registries);
        this.store = store;
    }

    /** Checks {@code image} for {@code driver} ({@code null} = docker) as seen by {@code projectId}. */
    Future<Void> check(SqlClient db, String image, String driver, String projectId) {
        if ("glance".equals(driver)) {
            return storeImage(db, image, projectId).mapEmpty();
        }
        try {
            ImageReference.parse(image);
            return Future.succeededFuture();
        } catch (ZunException e) {
            return Future.failedFuture(e);
        }
    }

    /**
     * The registry a docker pull of {@code image} uses: the named one, else the project's match for the image's
     * registry host, else none ({@code null}).
     */
    Future<UUID> registry(SqlClient db, String named, String image, String driver, String projectId) {
        if (named != null) {
            return registryLookup.resolveInProject(db, named, projectId).map(Registry::uuid);
        }
        if ("glance".equals(driver)) {
            return Future.succeededFuture(null);
        }
        String domain = ImageReference.parse(image).domain();
        if (domain == null) {
            return Future.succeededFuture(null);
        }
        return registries.byDomain(db, projectId, domain).map(list -> list.stream()
                .min(Comparator.comparing(Registry::createdAt)).map(Registry::uuid).orElse(null));
    }

    /** The one visible, {@code docker}-format, active store image {@code ident} names. */
    private Future<StoreImage> storeImage(SqlClient db, String ident, String projectId) {
        Future<List<StoreImage>> candidates = PageQuery.isUuidLike(ident) && ident.length() == 36
                ? store.find(db, UUID.fromString(ident)).map(o -> o.stream().toList())
                : store.findByName(db, ident, projectId);
        return candidates.compose(found -> {
            List<StoreImage> usable = found.stream()
                    .filter(i -> projectId.equals(i.owner()) || "public".equals(i.visibility())
                            || "community".equals(i.visibility()))
                    .filter(i -> "docker".equals(i.containerFormat()))
                    .toList();
            if (usable.isEmpty()) {
                return Future.failedFuture(ImageApi.notFound(ident));
            }
            if (usable.size() > 1) {
                return Future.failedFuture(ZunException.conflict("Multiple images exist with same name " + ident
                        + ". Please use the image id instead."));
            }
            StoreImage i = usable.getFirst();
            if (!StoreImage.ACTIVE.equals(i.status())) {
                return Future.failedFuture(ZunException.invalid("Image " + ident + " has no data yet (status "
                        + i.status() + "): upload it before running a container from it."));
            }
            return Future.succeededFuture(i);
        });
    }
}
