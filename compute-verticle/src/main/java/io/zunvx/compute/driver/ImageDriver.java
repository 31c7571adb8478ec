package io.zunvx.compute.driver;

import io.micrometer.core.instrument.MeterRegistry;
import io.zunvx.model.Container;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;

/**
 * The local images of one runtime: made available by pull or by loading a stored archive (concurrent requests for one
 * image share one transfer), inspected, removed, saved as an archive, and committed from a container.
 *
 * <p>Every method blocks until the runtime has answered; failures are reported as {@link DriverException}.
 */
public interface ImageDriver {

    /**
     * Makes the container's image available locally according to {@link Container#imagePullPolicy()}, pulling
     * anonymously; the same as {@code ensureImage(c.image(), c.imagePullPolicy(), null)}.
     *
     * @throws DriverException {@link DriverException.Kind#NOT_FOUND} when the image is missing under policy
     *                         {@code never}; otherwise the pull failure with the registry's message
     */
    default void ensureImage(Container c) {
        ensureImage(c.image(), c.imagePullPolicy(), null);
    }

    /**
     * Makes an image available locally according to a pull policy: {@code never} requires it to be present,
     * {@code ifnotpresent} (also the default for {@code null}) pulls it only when missing, {@code always} pulls it. A
     * reference without a tag means {@code :latest}.
     *
     * <p>Concurrent pulls of one reference by one principal share a single request to the runtime and its outcome.
     *
     * @param reference  the image reference, registry included when it is not the runtime's default
     * @param pullPolicy {@code always}, {@code ifnotpresent} or {@code never} (any case), {@code null} for
     *                   {@code ifnotpresent}
     * @param auth       credentials for the registry, {@code null} to pull anonymously
     * @return the local image afterwards
     * @throws DriverException {@link DriverException.Kind#BAD_REQUEST} for a malformed reference or an unknown policy,
     *                         {@link DriverException.Kind#NOT_FOUND} when the image is missing under policy
     *                         {@code never}; otherwise the pull failure with the registry's message
     */
    LocalImage ensureImage(String reference, String pullPolicy, RegistryAuth auth);

    /**
     * Makes a stored image archive available locally under {@code reference}: unless {@code reload} is asked for and
     * while the runtime holds the image {@code imageId} already, nothing is read; otherwise the archive is streamed
     * into the runtime, without the names the archive itself carries (an archive must not rename the host's images).
     * Then the image is tagged {@code reference} ({@code :latest} when it has no tag).
     *
     * <p>Concurrent loads of one image share a single load and its outcome.
     *
     * @param imageId   the runtime's id of the image the archive holds ({@code sha256:...})
     * @param reference the name the image gets, e.g. {@code store-image} or {@code team/app:v1}
     * @param reload    load the archive even when the image is present
     * @param archive   opens the archive (a {@code docker save} tar); the stream is read once and closed
     * @return the local image afterwards
     * @throws DriverException {@link DriverException.Kind#BAD_REQUEST} when the runtime rejects the archive or it does
     *                         not hold {@code imageId}, {@link DriverException.Kind#OTHER} when it cannot be read
     */
    LocalImage loadImage(String imageId, String reference, boolean reload, ArchiveSource archive);

    /** Opens the data of a stored image; called on the loading thread. */
    @FunctionalInterface
    interface ArchiveSource {
        InputStream open() throws IOException;
    }

    /**
     * Gives the local image {@code imageId} the name {@code reference} ({@code :latest} when it has no tag), moving
     * the name when another image had it.
     *
     * @throws DriverException {@link DriverException.Kind#NOT_FOUND} when there is no such image
     */
    void tagImage(String imageId, String reference);

    /** The local image a reference or id names, or empty when the runtime has none. */
    Optional<LocalImage> inspectImage(String referenceOrId);

    /**
     * Removes a local image name (the image itself once no name is left); succeeds without effect when there is
     * none.
     *
     * @param force remove it even when containers use it, instead of failing with
     *              {@link DriverException.Kind#CONFLICT}
     */
    void removeImage(String referenceOrId, boolean force);

    /**
     * The local image as a {@code docker save} tar archive, streamed from the runtime: the caller reads it to the end
     * and closes it.
     *
     * @throws DriverException {@link DriverException.Kind#NOT_FOUND} when there is no such image
     */
    InputStream saveImage(String reference);

    /**
     * Commits the container's filesystem and configuration to a local image {@code repository:tag}.
     *
     * @param labels labels set on the image (an empty value blanks a label the container had)
     * @return the image's id, e.g. {@code sha256:...}
     */
    String commit(String id, String repository, String tag, Map<String, String> labels);

    /**
     * Counts the image transfers this driver asks of the runtime, after de-duplication, in the counters
     * {@code zunvx.image.pulls} and {@code zunvx.image.loads} tagged with {@code host}. Called once by the agent that
     * owns the driver; until then nothing is counted.
     */
    default void countImageTransfers(MeterRegistry registry, String host) {
    }
}
