package io.zunvx.compute.agent;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.zunvx.compute.driver.ContainerDriver;
import io.zunvx.compute.driver.DriverException;
import io.zunvx.compute.driver.ImageDriver;
import io.zunvx.compute.driver.LocalImage;
import io.zunvx.compute.driver.Observed;
import io.zunvx.compute.driver.VolumeMount;
import io.zunvx.model.Container;
import io.zunvx.model.ContainerCommand;
import io.zunvx.model.ContainerCommand.CommitContainer;
import io.zunvx.model.ContainerCommand.CreateContainer;
import io.zunvx.model.ContainerCommand.DeleteContainer;
import io.zunvx.model.ContainerCommand.KillContainer;
import io.zunvx.model.ContainerCommand.PauseContainer;
import io.zunvx.model.ContainerCommand.RebootContainer;
import io.zunvx.model.ContainerCommand.RebuildContainer;
import io.zunvx.model.ContainerCommand.StartContainer;
import io.zunvx.model.ContainerCommand.StopContainer;
import io.zunvx.model.ContainerCommand.UnpauseContainer;
import io.zunvx.model.Status;
import io.zunvx.model.StoreImage;
import io.zunvx.model.TaskState;
import io.zunvx.platform.concurrent.Blocking;
import io.zunvx.platform.container.ContainerActionRepository;
import io.zunvx.platform.container.ContainerStore;
import io.zunvx.platform.host.ComputeNodeRepository;
import io.zunvx.platform.host.CpuPins;
import io.zunvx.platform.image.BlobStore;
import io.zunvx.platform.image.DockerArchive;
import io.zunvx.platform.image.StoreImageRepository;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out lifecycle commands for the containers of one host: walks the task states, persisting each transition
 * (with its event) before and after each Docker call, and records the steps on the request's action record.
 *
 * <p>Every handler reads the container's current row first and is idempotent: a command delivered twice, or again
 * after a crash, finds the work done (or resumes it: creation reuses the Docker container named {@code zun-<uuid>}),
 * so a container is never created twice.
 */
public final class ContainerManager {
    private static final Logger LOG = LoggerFactory.getLogger(ContainerManager.class);

    /** Label on a committed image: the uuid the API answered the commit with. */
    public static final String IMAGE_UUID_LABEL = "zunvx.image.uuid";
    /** Label on a committed image: the container it was committed from. */
    public static final String COMMITTED_FROM_LABEL = "zunvx.committed-from";

    private final Context context;
    private final ContainerDriver containers;
    private final ImageDriver images;
    private final Blocking blocking;
    private final ContainerStore store;
    private final SqlClient sql;
    private final ContainerActionRepository actions;
    private final ComputeNodeRepository nodes;
    private final String host;
    private final String network;
    private final Clock clock;
    private final ImageSources sources;
    private final VolumeManager volumes;
    private final NetworkManager networks;

    public ContainerManager(Context context, ContainerDriver containers, ImageDriver images, Blocking blocking,
                            ContainerStore store, ContainerActionRepository actions, ComputeNodeRepository nodes,
                            String host, String network, Clock clock, ImageSources sources, VolumeManager volumes,
                            NetworkManager networks) {
        this.context = context;
        this.containers = containers;
        this.images = images;
        this.blocking = blocking;
        this.store = store;
        this.sql = store.transactions().statements();
        this.actions = actions;
        this.nodes = nodes;
        this.host = host;
        this.network = network;
        this.clock = clock;
        this.sources = sources;
        this.volumes = volumes;
        this.networks = networks;
    }

    public String host() {
        return host;
    }

    /** Handles one command; a failed Future means "try again" (e.g. Docker or PostgreSQL unreachable). */
    public Future<Void> handle(ContainerCommand command) {
        return switch (command) {
            case CreateContainer c -> create(c.uuid(), c.requestId());
            case StartContainer c -> simple(c.uuid(), c.requestId(), "compute__do_container_start",
                    id -> containers.start(id), true);
            case StopContainer c -> simple(c.uuid(), c.requestId(), "compute__do_container_stop",
                    id -> containers.stop(id, c.timeout()));
            case RebootContainer c -> simple(c.uuid(), c.requestId(), "compute__do_container_reboot",
                    id -> containers.restart(id, c.timeout()), true);
            case PauseContainer c -> simple(c.uuid(), c.requestId(), "compute__do_container_pause",
                    id -> containers.pause(id));
            case UnpauseContainer c -> simple(c.uuid(), c.requestId(), "compute__do_container_unpause",
                    id -> containers.unpause(id));
            case KillContainer c -> simple(c.uuid(), c.requestId(), "compute__do_container_kill",
                    id -> containers.kill(id, c.signal()));
            case DeleteContainer c -> delete(c.uuid(), c.requestId(), c.force(), c.stop());
            case RebuildContainer c -> rebuild(c.uuid(), c.requestId(), c.run());
            case CommitContainer c -> commit(c);
            case ContainerCommand.ScheduleContainer c -> {
                LOG.warn("placement request for {} arrived at compute host {}; ignored", c.uuid(), host);
                yield Future.succeededFuture();
            }
        };
    }

    // ---- create -------------------------------------------------------------------------------------------------

    private Future<Void> create(UUID uuid, String req) {
        Instant started = clock.instant();
        return current(uuid).compose(found -> {
            if (found.isEmpty()) {
                return Future.succeededFuture();
            }
            Container c = found.get();
            if (c.status() != Status.CREATING) {
                // Done already (a re-delivery) or changed since: nothing to do.
                return Future.succeededFuture();
            }
            return step(uuid, req, x -> x.toBuilder().taskState(TaskState.IMAGE_PULLING).build())
                    .compose(v -> sources.plan(c))
                    .compose(plan -> io(() -> runtimeSpec(plan.container(plan.fetch().run(sources.images())))))
                    .compose(spec -> step(uuid, req, x -> x.toBuilder().taskState(TaskState.CONTAINER_CREATING)
                            .build()).map(spec))
                    .compose(spec -> volumes.prepare(c).compose(ready -> io(() -> {
                        String id = containers.create(spec, host, networkMode(c), ready.mounts());
                        volumes.inject(id, ready.files());
                        return id;
                    })).compose(id -> volumes.attached(uuid).map(id)))
                    .compose(id -> connect(c, id))
                    .compose(id -> step(uuid, req, x -> {
                        Container.Builder b = x.toBuilder().containerId(id);
                        return (c.run() ? b.taskState(TaskState.CONTAINER_STARTING) : b).build();
                    }).map(id))
                    .compose(id -> c.run() ? io(() -> {
                        containers.start(id);
                        return id;
                    }) : Future.succeededFuture(id))
                    .compose(id -> io(() -> containers.inspect(id)))
                    .compose(obs -> finish(uuid, req, obs, started, "compute__do_container_create", null))
                    .recover(err -> fail(uuid, req, err, started, "compute__do_container_create", true));
        });
    }

    /**
     * The spec Docker is given. An init container's restart policy is applied by {@link CapsuleManager}, which runs
     * it again itself, so Docker must not restart it as well.
     */
    static Container runtimeSpec(Container spec) {
        return Container.ROLE_INIT.equals(spec.capsuleRole())
                ? spec.toBuilder().restartPolicy(null).build() : spec;
    }

    // ---- start, stop, reboot, pause, unpause, kill ----------------------------------------------------------------

    @FunctionalInterface
    interface DockerAction {
        void run(String dockerId) throws Exception;
    }

    private Future<Void> simple(UUID uuid, String req, String event, DockerAction action) {
        return simple(uuid, req, event, action, false);
    }

    /**
     * One Docker action on the container's runtime object. With {@code reconnect}, the container's project networks
     * are made sure of first: a stopped container keeps the id of each network it was on, so a network removed and
     * made again meanwhile (a host clean-up, a sweep, an operator) would leave it unable to start.
     */
    private Future<Void> simple(UUID uuid, String req, String event, DockerAction action, boolean reconnect) {
        Instant started = clock.instant();
        return current(uuid).compose(found -> {
            if (found.isEmpty()) {
                return Future.succeededFuture();
            }
            Container c = found.get();
            if (c.containerId() == null) {
                return fail(uuid, req, new DriverException(DriverException.Kind.NOT_FOUND,
                        "container " + uuid + " has no Docker container"), started, event, false);
            }
            Future<String> ready = reconnect ? connect(c, c.containerId()) : Future.succeededFuture(c.containerId());
            return ready.compose(id -> io(() -> {
                action.run(id);
                return containers.inspect(id);
            })).compose(obs -> finish(uuid, req, obs, started, event, null))
                    .recover(err -> fail(uuid, req, err, started, event, false));
        });
    }

    // ---- rebuild --------------------------------------------------------------------------------------------------

    /**
     * Zun's rebuild: the runtime container is removed and created again from the stored spec (the API has already
     * written a new image into it, if one was asked for), under the same uuid and name; it is started again when it
     * was running. The new image is made available before anything is removed, so a failed pull leaves the old
     * container as it was. A re-delivery while the row is still {@code Rebuilding} starts over, removing whatever the
     * earlier attempt created under the container's Docker name.
     */
    private Future<Void> rebuild(UUID uuid, String req, boolean run) {
        Instant started = clock.instant();
        String event = "compute__do_container_rebuild";
        return current(uuid).compose(found -> {
            if (found.isEmpty()) {
                return Future.succeededFuture();
            }
            Container c = found.get();
            if (c.status() != Status.REBUILDING) {
                // Done already (a re-delivery) or changed since: nothing to do.
                return Future.succeededFuture();
            }
            return sources.plan(c).compose(plan -> volumes.prepare(c).compose(ready -> io(() -> {
                        String id = recreate(containers, sources.images(), c, plan, host, networkMode(c), ready.mounts());
                        volumes.inject(id, ready.files());
                        return id;
                    })))
                    .compose(id -> connect(c, id))
                    .compose(id -> step(uuid, req, x -> x.toBuilder().containerId(id)
                            .taskState(run ? TaskState.CONTAINER_STARTING : TaskState.CONTAINER_REBUILDING)
                            .build()).map(id))
                    .compose(id -> io(() -> {
                        if (run) {
                            containers.start(id);
                        }
                        return containers.inspect(id);
                    }))
                    .compose(obs -> finish(uuid, req, obs, started, event, null))
                    .recover(err -> fail(uuid, req, err, started, event, false, false));
        });
    }

    /**
     * The runtime side of a rebuild; blocking. The image first: a pull that fails leaves the old container in place.
     * Then whatever holds the container's id or Docker name goes, and the container is created again.
     */
    static String recreate(ContainerDriver containers, ProjectImages images, Container c, ImageSources.Plan plan,
                           String host, String network) {
        return recreate(containers, images, c, plan, host, network, List.of());
    }

    /** {@link #recreate(ContainerDriver, ProjectImages, Container, ImageSources.Plan, String, String)} with volumes. */
    static String recreate(ContainerDriver containers, ProjectImages images, Container c, ImageSources.Plan plan,
                           String host, String network, List<VolumeMount> mounts) {
        LocalImage image = plan.fetch().run(images);
        if (c.containerId() != null) {
            containers.remove(c.containerId(), true);
        }
        containers.remove(c.dockerName(), true);
        return containers.create(plan.container(image), host, network, mounts);
    }

    // ---- commit ---------------------------------------------------------------------------------------------------

    /**
     * Commits the container to the project's local name for {@code repository:tag} (see {@link ProjectImages}: no
     * other project's reference changes), labelled with the image uuid the API answered
     * with, and stores it in the image store under that uuid (see {@link #store}). The image does not inherit the
     * container's platform labels (they are blanked), so a container started from it outside the platform is never
     * taken for one of ours. The container's row does not change.
     */
    private Future<Void> commit(CommitContainer cmd) {
        Instant started = clock.instant();
        String event = "compute__do_container_commit";
        UUID uuid = cmd.uuid();
        return current(uuid).compose(found -> {
            if (found.isEmpty()) {
                return Future.succeededFuture();
            }
            Container c = found.get();
            String id = c.containerId() != null ? c.containerId() : c.dockerName();
            Map<String, String> labels = new LinkedHashMap<>();
            labels.put(Container.LABEL_UUID, "");
            labels.put(Container.LABEL_HOST, "");
            labels.put(IMAGE_UUID_LABEL, cmd.imageUuid().toString());
            labels.put(COMMITTED_FROM_LABEL, uuid.toString());
            return io(() -> sources.images().commit(c.projectId(), id, cmd.repository(), cmd.tag(), labels))
                    .compose(imageId -> {
                        LOG.info("committed {} to {}:{} of project {} as image {} ({})", uuid, cmd.repository(),
                                cmd.tag(), c.projectId(), imageId, cmd.imageUuid());
                        return store(cmd, imageId);
                    })
                    .compose(v -> actions.event(sql, uuid, cmd.requestId(), event, started, clock.instant(),
                            "Success", null, true, null))
                    .recover(err -> {
                        if (err instanceof DriverException d && d.retryable()) {
                            return Future.failedFuture(err);
                        }
                        String reason = err.getMessage();
                        LOG.info("{} for {} failed: {}", event, uuid, reason);
                        return actions.event(sql, uuid, cmd.requestId(), event, started, clock.instant(),
                                "Error", reason, true, reason);
                    });
        });
    }

    /**
     * Stores the committed image in the image store, in the record the API made for it (id = the commit's image
     * uuid, {@code queued}): {@code queued → saving}, the {@code docker save} archive streamed into the blob store,
     * checked as it reads back, then {@code active} with its size, digests and Docker image id. On failure the blob is
     * deleted and the record {@code killed} (or {@code queued} again when the engine was away and the command is
     * retried). Without a record (an API that made none) the image stays on this host only; a record already
     * {@code active} was stored by an earlier delivery of the command.
     */
    private Future<Void> store(CommitContainer cmd, String imageId) {
        UUID imageUuid = cmd.imageUuid();
        StoreImageRepository records = sources.storeImages();
        return records.find(sql, imageUuid).compose(found -> {
            if (found.isEmpty()) {
                LOG.info("no image store record {} for the commit of {}: the image stays on {} only", imageUuid,
                        cmd.uuid(), host);
                return Future.<Void>succeededFuture();
            }
            String status = found.get().status();
            if (StoreImage.ACTIVE.equals(status)) {
                return Future.<Void>succeededFuture();
            }
            if (!StoreImage.QUEUED.equals(status) && !StoreImage.SAVING.equals(status)) {
                return Future.<Void>failedFuture(new DriverException(DriverException.Kind.CONFLICT,
                        "Image " + imageUuid + " is " + status + " in the image store; the commit is not stored"));
            }
            // Saving: an earlier delivery stopped half-way (nothing of it was kept); start over.
            Future<?> reset = StoreImage.SAVING.equals(status)
                    ? records.abortUpload(sql, imageUuid, StoreImage.QUEUED)
                    : Future.succeededFuture();
            return reset.compose(v -> records.startUpload(sql, imageUuid)).compose(startedUpload -> {
                if (!startedUpload) {
                    return Future.<Void>failedFuture(new DriverException(DriverException.Kind.CONFLICT,
                            "Image " + imageUuid + " is no longer queued in the image store"));
                }
                AtomicReference<String> written = new AtomicReference<>();
                return upload(cmd, found.get().owner(), imageId, written)
                        .recover(err -> abandon(imageUuid, written.get(), err));
            });
        });
    }

    /**
     * Streams the committed image into the blob store and records it, within the largest archive allowed and what is
     * left of the owner's image store quota (checked again under the owner's lock when recorded).
     */
    private Future<Void> upload(CommitContainer cmd, String owner, String imageId, AtomicReference<String> written) {
        UUID imageUuid = cmd.imageUuid();
        BlobStore blobs = sources.blobs();
        StoreImageRepository records = sources.storeImages();
        Future<Long> used = owner == null ? Future.succeededFuture(0L)
                : records.usedBytes(sql, owner, imageUuid);
        return used.compose(u -> {
            long left = sources.projectQuotaBytes() - u;
            if (left <= 0) {
                return Future.failedFuture(overQuota(owner, u));
            }
            return io(() -> {
                BlobStore.Written w;
                // Saved by id: the stored archive carries no name, neither the project's nor a shared one.
                try (InputStream archive = images.saveImage(imageId)) {
                    w = blobs.write("image-" + imageUuid, archive, Math.min(sources.maxStoreBytes(), left));
                }
                written.set(w.location());
                DockerArchive.Checked checked;
                try (InputStream back = blobs.open(w.location())) {
                    checked = DockerArchive.check(back);
                }
                return new Stored(w, checked);
            });
        }).compose(s -> store.transactions().inTransaction(tx -> (owner == null ? Future.<Void>succeededFuture()
                        : records.lockOwner(tx, owner).compose(v -> records.usedBytes(tx, owner, imageUuid))
                        .compose(u -> u + s.written().size() > sources.projectQuotaBytes()
                                ? Future.<Void>failedFuture(overQuota(owner, u)) : Future.<Void>succeededFuture()))
                .compose(v -> records.finishUpload(tx, imageUuid, s.written().location(),
                        s.written().size(), s.written().md5Hex(), s.written().sha256Hex(), s.checked().imageId(),
                        s.checked().repoTags())))).compose(done -> {
                    if (done.isEmpty()) {
                        return Future.failedFuture(new DriverException(DriverException.Kind.CONFLICT,
                                "Image " + imageUuid + " was deleted from the image store while it was stored"));
                    }
                    LOG.info("stored image {} ({} bytes, {})", imageUuid, done.get().size(),
                            done.get().dockerImageId());
                    return Future.<Void>succeededFuture();
                });
    }

    private DriverException overQuota(String owner, long used) {
        return new DriverException(DriverException.Kind.BAD_REQUEST, "Image storage quota of project " + owner
                + " exceeded: " + used + " of " + sources.projectQuotaBytes() + " bytes are used");
    }

    /** Deletes what a failed upload wrote and gives the record up; fails with the cause, as a {@link DriverException}. */
    private Future<Void> abandon(UUID imageUuid, String location, Throwable err) {
        boolean retry = err instanceof DriverException d && d.retryable();
        DriverException failure = err instanceof DriverException d ? d
                : new DriverException(DriverException.Kind.OTHER, "Storing image " + imageUuid + " failed: "
                        + (err.getMessage() == null ? err.toString() : err.getMessage()), false, err);
        Future<Void> deleted = location == null ? Future.succeededFuture() : io(() -> {
            sources.blobs().delete(location);
            return null;
        });
        return deleted.<Void>recover(e -> {
                    LOG.warn("could not delete {} of image {}: {}", location, imageUuid, e.toString());
                    return Future.succeededFuture();
                })
                .compose(v -> sources.storeImages().abortUpload(sql, imageUuid,
                        retry ? StoreImage.QUEUED : StoreImage.KILLED))
                .transform(ar -> {
                    if (ar.failed()) {
                        LOG.warn("could not give up the upload of image {}: {}", imageUuid, ar.cause().toString());
                    }
                    return Future.<Void>failedFuture(failure);
                });
    }

    /** A committed image's archive in the blob store, and what its check found. */
    private record Stored(BlobStore.Written written, DockerArchive.Checked checked) {
    }

    // ---- delete ---------------------------------------------------------------------------------------------------

    private Future<Void> delete(UUID uuid, String req, boolean force, boolean stop) {
        Instant started = clock.instant();
        return current(uuid).compose(found -> {
            if (found.isEmpty()) {
                return Future.succeededFuture();
            }
            Container c = found.get();
            String id = c.containerId() != null ? c.containerId() : c.dockerName();
            return volumes.volumesOf(uuid).compose(mounted -> io(() -> {
                stopAndRemove(containers, id, force, stop);
                return null;
            }).compose(v -> remove(uuid, req, started)).compose(v -> volumes.released(mounted)))
                    .recover(err -> fail(uuid, req, err, started, "compute__do_container_delete", false));
        });
    }

    /**
     * The runtime side of a delete; blocking. With {@code stop} the container is stopped first (gone already is fine)
     * and then removed by force; otherwise removed, by force only when asked.
     */
    static void stopAndRemove(ContainerDriver containers, String id, boolean force, boolean stop) {
        if (stop) {
            try {
                containers.stop(id, 10);
            } catch (DriverException e) {
                if (e.kind() != DriverException.Kind.NOT_FOUND) {
                    throw e;
                }
            }
        }
        containers.remove(id, force || stop);
    }

    /** Deletes the row, releases its claim, and records the step: used by delete and by auto-remove. */
    Future<Void> remove(UUID uuid, String req, Instant started) {
        return store.inTransaction(tx -> tx.lock(uuid).compose(found -> {
            if (found.isEmpty()) {
                return Future.<Void>succeededFuture();
            }
            Container c = found.get();
            return release(tx, c)
                    .compose(v -> actions.event(tx.connection(), uuid, req, "compute__do_container_delete", started,
                            clock.instant(), "Success", null, true, null))
                    .compose(v -> tx.delete(c, req));
        }));
    }

    // ---- shared steps ---------------------------------------------------------------------------------------------

    private Future<Optional<Container>> current(UUID uuid) {
        return store.find(uuid).map(found -> {
            if (found.isPresent() && !host.equals(found.get().host())) {
                LOG.warn("command for {} placed on {} arrived at {}; ignored", uuid, found.get().host(), host);
                return Optional.<Container>empty();
            }
            return found;
        });
    }

    private Future<Void> step(UUID uuid, String req, UnaryOperator<Container> change) {
        return store.update(uuid, req, change).compose(found -> found.isPresent()
                ? Future.<Void>succeededFuture()
                : Future.failedFuture(new Deleted(uuid)));
    }

    /** Records Docker's view as the container's state, clears the task state and closes the action. */
    private Future<Void> finish(UUID uuid, String req, Optional<Observed> obs, Instant started, String event,
                                String message) {
        return store.inTransaction(tx -> tx.lock(uuid).compose(found -> {
            if (found.isEmpty()) {
                return Future.<Void>succeededFuture();
            }
            Container prev = found.get();
            Optional<Container> after = afterSuccess(prev, obs, event);
            if (after.isEmpty()) {
                return release(tx, prev)
                        .compose(v -> actions.event(tx.connection(), uuid, req, event, started, clock.instant(),
                                "Success", null, true, message))
                        .compose(v -> tx.delete(prev, req));
            }
            Container next = after.get();
            return tx.save(prev, next, req)
                    .compose(saved -> actions.event(tx.connection(), uuid, req, event, started, clock.instant(),
                            "Success", null, true, message))
                    .mapEmpty();
        }));
    }

    /**
     * The row after a step that succeeded: Docker's view with the task state cleared, or {@code Error} when Docker has
     * no container any more; empty when the row goes, because Docker removed an {@code auto_remove} container that
     * ran and exited before it was looked at (that is auto_remove doing its job).
     */
    static Optional<Container> afterSuccess(Container prev, Optional<Observed> obs, String event) {
        if (obs.isEmpty() && prev.autoRemove()) {
            return Optional.empty();
        }
        Container.Builder b = prev.toBuilder().taskState(null);
        if (obs.isPresent()) {
            b.status(obs.get().status()).statusDetail(obs.get().statusDetail()).statusReason(null);
        } else {
            b.status(Status.ERROR).statusReason("Docker container missing after " + event);
        }
        return Optional.of(b.build());
    }

    /** What a failed step leads to. */
    enum FailureOutcome {
        /** Nothing: the row was deleted meanwhile. */
        IGNORE,
        /** The command fails and is delivered again (engine or database unreachable, or an unexpected error). */
        RETRY,
        /** The failure is final: recorded on the row and the action, and the command is done. */
        RECORD
    }

    /** Whether a failed step is retried, recorded as the outcome, or ignored. */
    static FailureOutcome outcomeOf(Throwable err) {
        if (err instanceof Deleted) {
            return FailureOutcome.IGNORE;
        }
        if (err instanceof DriverException d && !d.retryable()) {
            return FailureOutcome.RECORD;
        }
        return FailureOutcome.RETRY;
    }

    /**
     * The row after a final failure: Docker's view if it has one, else {@code Error}, with the failure as reason and
     * the task state cleared (the claim is handled apart, see {@link #releasesClaim}).
     */
    static Container afterFailure(Container prev, Optional<Observed> obs, String reason) {
        Container.Builder b = prev.toBuilder().taskState(null).statusReason(reason);
        if (obs.isPresent()) {
            b.status(obs.get().status()).statusDetail(obs.get().statusDetail());
        } else {
            b.status(Status.ERROR);
        }
        return b.build();
    }

    /**
     * Whether a final failure gives the host's claim back: always for a failed create, else when the runtime container
     * is gone and the step allows it.
     */
    static boolean releasesClaim(boolean creating, boolean runtimeContainerGone, boolean mayRelease) {
        return creating || runtimeContainerGone && mayRelease;
    }

    /**
     * Leaves the container in a true state after a failed step: Docker's view if it has one (with the error as
     * reason), else {@code Error}. A retryable failure (engine unreachable) is passed up so the command is retried.
     */
    private Future<Void> fail(UUID uuid, String req, Throwable err, Instant started, String event, boolean creating) {
        return fail(uuid, req, err, started, event, creating, true);
    }

    /**
     * @param mayRelease whether the host's claim is given back when the runtime container is gone; not after a failed
     *                   rebuild, which leaves an {@code Error} container that a later rebuild brings back on this host
     */
    private Future<Void> fail(UUID uuid, String req, Throwable err, Instant started, String event, boolean creating,
                              boolean mayRelease) {
        switch (outcomeOf(err)) {
            case IGNORE -> {
                return Future.succeededFuture();
            }
            case RETRY -> {
                if (err instanceof DriverException d) {
                    LOG.warn("{} for {} failed and will be retried: {}", event, uuid, d.getMessage());
                }
                return Future.failedFuture(err);
            }
            case RECORD -> {
                // recorded below
            }
        }
        String reason = err.getMessage();
        LOG.info("{} for {} failed: {}", event, uuid, reason);
        return store.find(uuid).compose(found -> {
            if (found.isEmpty()) {
                return Future.succeededFuture(Optional.<Observed>empty());
            }
            String id = found.get().containerId();
            if (creating || id == null) {
                return Future.succeededFuture(Optional.<Observed>empty());
            }
            return io(() -> containers.inspect(id)).recover(e -> Future.succeededFuture(Optional.empty()));
        }).compose(obs -> store.inTransaction(tx -> tx.lock(uuid).compose(found -> {
            if (found.isEmpty()) {
                return Future.<Void>succeededFuture();
            }
            Container prev = found.get();
            Container next = afterFailure(prev, obs, reason);
            Future<Container> released = releasesClaim(creating, obs.isEmpty(), mayRelease)
                    ? releaseAndMark(tx, prev, next)
                    : Future.succeededFuture(next);
            return released.compose(marked -> tx.save(prev, marked, req))
                    .compose(saved -> actions.event(tx.connection(), uuid, req, event, started, clock.instant(),
                            "Error", reason, true, reason))
                    .mapEmpty();
        })));
    }

    private Future<Container> releaseAndMark(ContainerStore.Tx tx, Container prev, Container next) {
        if (!prev.claimed() || prev.host() == null) {
            return Future.succeededFuture(next);
        }
        return release(tx, prev).map(v -> next.toBuilder().claimed(false).cpuset(null).build());
    }

    private Future<Void> release(ContainerStore.Tx tx, Container c) {
        if (!c.claimed() || c.host() == null) {
            return Future.succeededFuture();
        }
        return nodes.release(tx.connection(), c.host(), c.memory() == null ? 0 : c.memory(), c.cpu(), c.disk())
                .compose(v -> c.cpuset() == null ? Future.<Void>succeededFuture()
                        : new CpuPins().unpin(tx.connection(), c.uuid()));
    }

    /** The network mode a container is created in (see {@link NetworkManager#mode}). */
    private String networkMode(Container c) {
        String joined = NetworkManager.joinedMode(c);
        if (joined != null) {
            return joined;
        }
        return networks == null ? network : networks.mode(c);
    }

    /** Connects a created container to its ports' networks before it may start. */
    private Future<String> connect(Container c, String dockerId) {
        return networks == null ? Future.succeededFuture(dockerId) : networks.connect(c, dockerId).map(dockerId);
    }

    private <T> Future<T> io(Callable<T> call) {
        return blocking.run(context, call);
    }

    /** The container's row disappeared mid-way (deleted): the command has nothing left to do. */
    private static final class Deleted extends RuntimeException {
        Deleted(UUID uuid) {
            super("container " + uuid + " deleted", null, false, false);
        }
    }
}
