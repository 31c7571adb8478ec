package io.zunvx.compute.agent;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.zunvx.compute.driver.DriverException;
import io.zunvx.compute.driver.DriverException.Kind;
import io.zunvx.compute.driver.ImageNames;
import io.zunvx.compute.driver.LocalImage;
import io.zunvx.compute.driver.RegistryAuth;
import io.zunvx.model.Container;
import io.zunvx.model.StoreImage;
import io.zunvx.platform.db.Transactions;
import io.zunvx.platform.image.BlobStore;
import io.zunvx.platform.image.StoreImageRepository;
import io.zunvx.platform.registry.RegistryRepository;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Where the images of this host's containers come from: a registry, with the credentials of the registry the
 * container names (or of its project's registry for the reference's host), or the platform's image store for
 * {@code image_driver=glance}. Lookups run on the agent's context; what they find is fetched later, off it, by
 * {@link Fetch#run}.
 *
 * <p>Problems the user can fix (no such registry or store image, an image not ready to use) are
 * {@link DriverException}s that are not retryable, so they leave the container {@code Error} with the reason; a
 * database that cannot be reached fails the Future otherwise, so the command is tried again.
 */
public final class ImageSources {
    /** Image driver of containers whose image comes from the image store. */
    public static final String GLANCE = "glance";
    /**
     * A name Docker accepts as a local {@code repository[:tag]} without a registry part: store images whose name is
     * not one are tagged with their id instead.
     */
    private static final Pattern LOCAL_NAME = Pattern.compile(
            "[a-z0-9]+(?:[._-]+[a-z0-9]+)*(?:/[a-z0-9]+(?:[._-]+[a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?");

    private final ProjectImages images;
    private final SqlClient sql;
    private final RegistryRepository registries;
    private final StoreImageRepository storeImages;
    private final BlobStore blobs;
    private final long maxStoreBytes;
    private final long projectQuotaBytes;

    /**
     * @param images        the host's images, named per project
     * @param maxStoreBytes     the largest archive a commit may store
     * @param projectQuotaBytes the image store data one project's images may hold in all
     */
    public ImageSources(ProjectImages images, Transactions db, RegistryRepository registries,
                        StoreImageRepository storeImages, BlobStore blobs, long maxStoreBytes,
                        long projectQuotaBytes) {
        this.projectQuotaBytes = projectQuotaBytes;
        this.images = Objects.requireNonNull(images, "images");
        this.sql = Objects.requireNonNull(db, "db").statements();
        this.registries = Objects.requireNonNull(registries, "registries");
        this.storeImages = Objects.requireNonNull(storeImages, "storeImages");
        this.blobs = Objects.requireNonNull(blobs, "blobs");
        this.maxStoreBytes = maxStoreBytes;
    }

    ProjectImages images() {
        return images;
    }

    StoreImageRepository storeImages() {
        return storeImages;
    }

    BlobStore blobs() {
        return blobs;
    }

    long maxStoreBytes() {
        return maxStoreBytes;
    }

    long projectQuotaBytes() {
        return projectQuotaBytes;
    }

    /**
     * How the container's image gets onto the host.
     *
     * @param container the container as it is created, before its image is resolved
     * @param fetch     the blocking work that makes that image present for the container's project
     */
    record Plan(Container container, Fetch fetch) {
        /** The container as the runtime creates it: from the image id the fetch resolved, never from a name. */
        Container container(LocalImage image) {
            return container.toBuilder().image(image.id()).build();
        }
    }

    /** Makes an image present on the host; blocking. */
    @FunctionalInterface
    interface Fetch {
        LocalImage run(ProjectImages images);
    }

    /** A pull: the reference with its registry, and the credentials for it ({@code null}: anonymous). */
    record Pull(String reference, RegistryAuth auth) {
    }

    /** Looks up where the container's image comes from. */
    Future<Plan> plan(Container c) {
        if (GLANCE.equalsIgnoreCase(c.imageDriver())) {
            return storeImage(c.image(), c.projectId()).map(image -> storePlan(c, image));
        }
        return pull(c.image(), c.registryId(), c.projectId()).map(pull -> new Plan(
                c.toBuilder().image(pull.reference()).build(),
                images -> images.ensure(c.projectId(), pull.reference(), c.imagePullPolicy(), pull.auth())));
    }

    private Plan storePlan(Container c, StoreImage image) {
        String name = ImageNames.withDefaultTag(LOCAL_NAME.matcher(c.image()).matches()
                ? c.image() : image.id().toString());
        String imageId = image.dockerImageId();
        String location = image.location();
        String policy = c.imagePullPolicy() == null ? "ifnotpresent" : c.imagePullPolicy().toLowerCase(Locale.ROOT);
        return new Plan(c.toBuilder().image(name).build(), images -> {
            if ("never".equals(policy) && images.driver().inspectImage(imageId).isEmpty()) {
                throw new DriverException(Kind.NOT_FOUND,
                        "Image " + c.image() + " not present with pull policy of Never");
            }
            return images.load(c.projectId(), name, imageId, "always".equals(policy), () -> blobs.open(location));
        });
    }

    /**
     * The reference to pull and its credentials. With a registry named, its domain is put in front of the reference
     * (unless the reference names that registry already) and its credentials are used; without one, the first
     * registry of the project whose domain is the reference's host part, if any.
     */
    Future<Pull> pull(String reference, UUID registryId, String projectId) {
        if (registryId != null) {
            return credentials(registryId).compose(found -> found.isEmpty()
                    ? Future.failedFuture(new DriverException(Kind.NOT_FOUND,
                            "Registry " + registryId + " could not be found."))
                    : Future.succeededFuture(pullFrom(reference, found.get())));
        }
        String domain = ImageNames.domain(reference);
        if (domain == null || projectId == null) {
            return Future.succeededFuture(new Pull(reference, null));
        }
        return registries.byDomain(sql, projectId, domain).compose(found -> {
            if (found.isEmpty()) {
                return Future.succeededFuture(new Pull(reference, null));
            }
            return credentials(found.getFirst().uuid()).map(creds -> creds
                    .map(cr -> pullFrom(reference, cr))
                    .orElse(new Pull(reference, null)));
        });
    }

    private Future<Optional<RegistryRepository.Credentials>> credentials(UUID registryId) {
        return registries.credentials(sql, registryId).recover(err -> err instanceof IllegalArgumentException
                ? Future.failedFuture(new DriverException(Kind.BAD_REQUEST, "The credentials of registry "
                        + registryId + " cannot be read: " + err.getMessage()))
                : Future.failedFuture(err));
    }

    private static Pull pullFrom(String reference, RegistryRepository.Credentials creds) {
        String ref = ImageNames.inRegistry(reference, creds.domain());
        return new Pull(ref, new RegistryAuth(creds.domain(), creds.username(), creds.password()));
    }

    /**
     * The active store image {@code idOrName} names for the project: by id when it is one (owned, public or
     * community), else by name, which must be unambiguous.
     */
    Future<StoreImage> storeImage(String idOrName, String projectId) {
        UUID id = uuidOrNull(idOrName);
        Future<List<StoreImage>> found = id != null
                ? storeImages.find(sql, id).map(o -> o.filter(i -> visible(i, projectId)).stream().toList())
                : storeImages.findByName(sql, idOrName, projectId);
        return found.compose(images -> {
            if (images.isEmpty()) {
                return Future.failedFuture(new DriverException(Kind.NOT_FOUND,
                        "Image " + idOrName + " could not be found."));
            }
            if (images.size() > 1) {
                return Future.failedFuture(new DriverException(Kind.CONFLICT,
                        "Multiple images exist with same name " + idOrName + ". Please use the image id instead."));
            }
            StoreImage image = images.getFirst();
            if (!StoreImage.ACTIVE.equals(image.status())) {
                return Future.failedFuture(new DriverException(Kind.CONFLICT,
                        "Image " + idOrName + " is not active (status " + image.status() + ")."));
            }
            if (image.dockerImageId() == null || image.location() == null) {
                return Future.failedFuture(new DriverException(Kind.BAD_REQUEST, "Image " + idOrName
                        + " is no Docker image archive (container_format " + image.containerFormat() + ")."));
            }
            return Future.succeededFuture(image);
        });
    }

    private static boolean visible(StoreImage image, String projectId) {
        return projectId == null || projectId.equals(image.owner())
                || "public".equals(image.visibility()) || "community".equals(image.visibility());
    }

    private static UUID uuidOrNull(String s) {
        if (s == null || s.length() != 36) {
            return null;
        }
        try {
            return UUID.fromString(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
