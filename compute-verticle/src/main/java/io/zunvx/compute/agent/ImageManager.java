package io.zunvx.compute.agent;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.zunvx.compute.driver.DriverException;
import io.zunvx.compute.driver.LocalImage;
import io.zunvx.model.HostImage;
import io.zunvx.model.ImageCommand;
import io.zunvx.model.ImageCommand.DeleteImage;
import io.zunvx.model.ImageCommand.PullImage;
import io.zunvx.platform.concurrent.Blocking;
import io.zunvx.platform.db.Transactions;
import io.zunvx.platform.image.HostImageRepository;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out the image commands for this host (Zun's image pull and delete): pulls the image an {@code images} row
 * describes and records its Docker id and size or the registry's reason, and removes the Docker image of a deleted
 * row.
 *
 * <p>A pull goes through {@link ProjectImages} (the row's project's names) and the driver, so it shares the engine's
 * single pull with containers created from the same image at the same time. A command delivered again finds the row
 * no longer {@code pulling} and does nothing.
 */
public final class ImageManager {
    private static final Logger LOG = LoggerFactory.getLogger(ImageManager.class);
    /** Zun's image pull always asks the registry, unless the row says otherwise. */
    static final String DEFAULT_POLICY = "always";

    private final Context context;
    private final Blocking blocking;
    private final SqlClient sql;
    private final HostImageRepository images;
    private final ImageSources sources;
    private final String host;

    public ImageManager(Context context, Blocking blocking, Transactions db,
                        HostImageRepository images, ImageSources sources, String host) {
        this.context = context;
        this.blocking = blocking;
        this.sql = db.statements();
        this.images = images;
        this.sources = sources;
        this.host = host;
    }

    /** Handles one command; a failed Future means "try again" (e.g. Docker or PostgreSQL unreachable). */
    public Future<Void> handle(ImageCommand command) {
        return switch (command) {
            case PullImage p -> pull(p);
            case DeleteImage d -> delete(d);
        };
    }

    private Future<Void> pull(PullImage cmd) {
        return images.find(sql, cmd.uuid()).compose(found -> {
            if (found.isEmpty()) {
                return Future.<Void>succeededFuture();
            }
            HostImage image = found.get();
            if (!host.equals(image.host())) {
                LOG.warn("pull of image {} for {} arrived at {}; ignored", cmd.uuid(), image.host(), host);
                return Future.<Void>succeededFuture();
            }
            if (!HostImage.PULLING.equals(image.status())) {
                // Done already (a re-delivery).
                return Future.<Void>succeededFuture();
            }
            String reference = reference(image.repo(), image.tag());
            String policy = image.pullPolicy() == null ? DEFAULT_POLICY : image.pullPolicy();
            return sources.pull(reference, null, image.projectId())
                    .compose(pull -> io(() -> sources.images().ensure(image.projectId(), pull.reference(), policy,
                            pull.auth())))
                    .compose(local -> recordReady(image, local))
                    .recover(err -> {
                        if (retried(err)) {
                            LOG.warn("pull of image {} ({}) failed and will be retried: {}", cmd.uuid(), reference,
                                    err.toString());
                            return Future.failedFuture(err);
                        }
                        LOG.info("pull of image {} ({}) failed: {}", cmd.uuid(), reference, err.getMessage());
                        return images.markError(sql, image.uuid(), err.getMessage()).mapEmpty();
                    });
        });
    }

    /**
     * Whether a failed pull is tried again (the engine or database away, or an unexpected error) rather than recorded
     * on the row as the registry's answer.
     */
    static boolean retried(Throwable err) {
        return !(err instanceof DriverException d) || d.retryable();
    }

    private Future<Void> recordReady(HostImage image, LocalImage local) {
        LOG.info("image {} ({}:{}) is on {}: {} ({} bytes)", image.uuid(), image.repo(), image.tag(), host,
                local.id(), local.size());
        return images.markReady(sql, image.uuid(), local.id(), local.size()).mapEmpty();
    }

    /**
     * Removes the project's name for the deleted row's image (see {@link ProjectImages}); names shared by every
     * project stay, as does the image while another name or a container holds it. Not forced: a conflict is only
     * logged. A command without a project (sent before images were named per project) removes nothing.
     */
    private Future<Void> delete(DeleteImage cmd) {
        return io(() -> {
            removeLocal(sources.images(), cmd, host);
            return null;
        });
    }

    /** The runtime side of {@link #delete}; blocking. Fails only when the engine is away (to be retried). */
    static void removeLocal(ProjectImages images, DeleteImage cmd, String host) {
        String reference = reference(cmd.repo(), cmd.tag());
        if (cmd.projectId() == null) {
            LOG.info("image {} ({}) names no project: nothing is removed from {}", cmd.uuid(), reference, host);
            return;
        }
        try {
            images.remove(cmd.projectId(), reference);
            LOG.info("removed image {} ({}) of project {} from {}", cmd.uuid(), reference, cmd.projectId(), host);
        } catch (DriverException e) {
            if (e.retryable()) {
                throw e;
            }
            LOG.info("image {} ({}) stays on {}: {}", cmd.uuid(), reference, host, e.getMessage());
        }
    }

    /** {@code repo:tag}, {@code repo@digest} when the tag is a digest, {@code repo:latest} without a tag. */
    static String reference(String repo, String tag) {
        if (tag == null || tag.isBlank()) {
            return repo + ":latest";
        }
        return tag.contains(":") ? repo + "@" + tag : repo + ":" + tag;
    }

    private <T> Future<T> io(Callable<T> call) {
        return blocking.run(context, call);
    }
}
