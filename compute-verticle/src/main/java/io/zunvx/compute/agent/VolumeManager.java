package io.zunvx.compute.agent;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.SqlClient;
import io.zunvx.compute.driver.DriverException;
import io.zunvx.compute.driver.DriverException.Kind;
import io.zunvx.compute.driver.ExecDriver;
import io.zunvx.compute.driver.VolumeDriver;
import io.zunvx.compute.driver.VolumeMount;
import io.zunvx.model.Container;
import io.zunvx.model.Volume;
import io.zunvx.model.VolumeCommand;
import io.zunvx.platform.concurrent.Blocking;
import io.zunvx.platform.db.Transactions;
import io.zunvx.platform.volume.VolumeRepository;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The volumes of one host: carries out volume commands, gets a container's volumes and files ready before the
 * container is created, releases them after it is deleted, and reconciles rows with the host's storage on a timer.
 *
 * <p>Order makes crashes harmless: storage is made only for a row that exists (and named after its uuid, so making it
 * again finds it), and a row is removed only after its storage. What a crash leaves between two steps (storage
 * without a row, a row still {@code creating} or {@code deleting}, an auto-removed volume whose container is gone)
 * is finished by {@link #reconcile}.
 */
public final class VolumeManager {
    private static final Logger LOG = LoggerFactory.getLogger(VolumeManager.class);
    /** Largest total of injected files per container (Zun's files are configuration, not data). */
    public static final int MAX_INJECTED_BYTES = 1 << 20;

    private final Vertx vertx;
    private final Context context;
    private final VolumeDriver driver;
    private final ExecDriver archives;
    private final Blocking blocking;
    private final SqlClient sql;
    private final VolumeRepository volumes;
    private final String host;
    private final Duration interval;
    private final Duration grace;
    private final Clock clock;
    private final KeyedSerial<UUID> serial = new KeyedSerial<>();
    private long timer = -1;

    /**
     * @param driver   the host's volumes
     * @param archives where injected files are written into containers
     */
    public VolumeManager(Vertx vertx, Context context, VolumeDriver driver, ExecDriver archives, Blocking blocking,
                         Transactions db, VolumeRepository volumes, String host, Duration interval, Duration grace,
                         Clock clock) {
        this.vertx = vertx;
        this.context = context;
        this.driver = driver;
        this.archives = archives;
        this.blocking = blocking;
        this.sql = db.statements();
        this.volumes = volumes;
        this.host = host;
        this.interval = interval;
        this.grace = grace;
        this.clock = clock;
    }

    /** Starts the reconcile timer and runs one pass at once. */
    public Future<Void> start() {
        timer = vertx.setPeriodic(interval.toMillis(), id -> reconcile());
        // The first call decides how this host stores volumes, which may try a mount: off the event loop.
        return io(driver::describe).onSuccess(how -> LOG.info("volumes on {}: {}", host, how))
                .compose(how -> reconcile()).recover(e -> Future.succeededFuture());
    }

    public void stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    // ---- commands -------------------------------------------------------------------------------------------------

    /** Handles one volume command; a failed Future means "try again". */
    public Future<Void> handle(VolumeCommand command) {
        return serial.submit(command.uuid(), () -> switch (command) {
            case VolumeCommand.CreateVolume c -> create(c.uuid());
            case VolumeCommand.DeleteVolume c -> delete(c.uuid());
        });
    }

    private Future<Void> create(UUID uuid) {
        return volumes.find(sql, uuid).compose(found -> {
            if (found.isEmpty() || !Volume.CREATING.equals(found.get().status())
                    || !host.equals(found.get().host())) {
                return Future.<Void>succeededFuture();
            }
            Volume v = found.get();
            return io(() -> {
                driver.create(uuid, v.size(), host);
                return null;
            }).compose(x -> volumes.transition(sql, uuid, Volume.CREATING,
                            v.attachments().isEmpty() ? Volume.AVAILABLE : Volume.IN_USE, null, null,
                            driver.enforcesSize()).<Void>mapEmpty())
                    .recover(err -> failed(uuid, Volume.CREATING, err));
        });
    }

    private Future<Void> delete(UUID uuid) {
        return volumes.find(sql, uuid).compose(found -> {
            if (found.isEmpty() || !Volume.DELETING.equals(found.get().status())
                    || !host.equals(found.get().host())) {
                return Future.<Void>succeededFuture();
            }
            return removeStorageAndRow(uuid).recover(err -> failed(uuid, Volume.DELETING, err));
        });
    }

    private Future<Void> removeStorageAndRow(UUID uuid) {
        return io(() -> {
            driver.remove(uuid);
            return null;
        }).compose(x -> volumes.delete(sql, uuid)).mapEmpty();
    }

    /** A retryable failure is retried; any other leaves the volume in Cinder's error status with the reason. */
    private Future<Void> failed(UUID uuid, String from, Throwable err) {
        if (err instanceof DriverException d && d.retryable() || !(err instanceof DriverException)) {
            return Future.failedFuture(err);
        }
        LOG.info("volume {} failed while {}: {}", uuid, from, err.getMessage());
        String to = Volume.DELETING.equals(from) ? Volume.ERROR_DELETING : Volume.ERROR;
        return volumes.transition(sql, uuid, from, to, err.getMessage(), null, null).mapEmpty();
    }

    // ---- containers -----------------------------------------------------------------------------------------------

    /** What a container mounts and the files written into it. */
    public record Prepared(List<VolumeMount> mounts, Map<String, byte[]> files) {
        static final Prepared NONE = new Prepared(List.of(), Map.of());
    }

    /**
     * Gets the volumes of container {@code c} ready on this host: a sized mount's volume is placed here and made, an
     * existing one is checked to live here and mounted again if the host restarted; all are marked {@code in-use}.
     *
     * @throws DriverException (in the Future) a non-retryable failure when a volume lives on another host, has no
     *                         storage, or cannot be made
     */
    public Future<Prepared> prepare(Container c) {
        return volumes.attachmentsOf(sql, c.uuid()).compose(attachments ->
                volumes.files(sql, c.uuid()).compose(files -> {
                    if (attachments.isEmpty()) {
                        return Future.succeededFuture(new Prepared(List.of(), files));
                    }
                    List<VolumeMount> mounts = new ArrayList<>();
                    Future<Void> chain = Future.succeededFuture();
                    for (Volume.Attachment a : attachments) {
                        chain = chain.compose(x -> serial.submit(a.volumeUuid(), () -> ready(a.volumeUuid())))
                                .map(x -> {
                                    mounts.add(new VolumeMount(driver.mountName(a.volumeUuid()), a.mountPath(),
                                            a.readOnly()));
                                    return null;
                                });
                    }
                    return chain.map(x -> new Prepared(mounts, files));
                }));
    }

    private Future<Void> ready(UUID uuid) {
        return volumes.claimHost(sql, uuid, host).compose(here -> {
            if (!here) {
                return Future.failedFuture(new DriverException(Kind.CONFLICT,
                        "Volume " + uuid + " lives on another host than " + host));
            }
            return volumes.find(sql, uuid);
        }).compose(found -> {
            if (found.isEmpty()) {
                return Future.failedFuture(new DriverException(Kind.NOT_FOUND, "Volume " + uuid + " is gone"));
            }
            Volume v = found.get();
            return switch (v.status()) {
                case Volume.CREATING -> io(() -> {
                    driver.create(uuid, v.size(), host);
                    return null;
                }).compose(x -> volumes.transition(sql, uuid, Volume.CREATING, Volume.IN_USE, null, null,
                        driver.enforcesSize())).mapEmpty();
                case Volume.AVAILABLE, Volume.IN_USE -> io(() -> {
                    driver.prepare(uuid);
                    return null;
                }).compose(x -> volumes.transition(sql, uuid, Volume.AVAILABLE, Volume.IN_USE, null, null, null))
                        .mapEmpty();
                default -> Future.failedFuture(new DriverException(Kind.CONFLICT,
                        "Volume " + uuid + " is " + v.status()));
            };
        });
    }

    /** Marks the container's attachments mounted, once Docker made the container with them. */
    public Future<Void> attached(UUID container) {
        return volumes.markAttached(sql, container);
    }

    /** Writes the injected files into a created container, as a tar extracted at the root; blocking. */
    public void inject(String containerId, Map<String, byte[]> files) {
        if (files.isEmpty()) {
            return;
        }
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(buf)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            Set<String> dirs = new TreeSet<>();
            for (String path : files.keySet()) {
                String rel = path.substring(1);
                for (int i = rel.indexOf('/'); i > 0; i = rel.indexOf('/', i + 1)) {
                    dirs.add(rel.substring(0, i + 1));
                }
            }
            for (String d : dirs) {
                TarArchiveEntry e = new TarArchiveEntry(d);
                e.setMode(040755);
                tar.putArchiveEntry(e);
                tar.closeArchiveEntry();
            }
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                TarArchiveEntry e = new TarArchiveEntry(f.getKey().substring(1));
                e.setSize(f.getValue().length);
                e.setMode(0100644);
                tar.putArchiveEntry(e);
                tar.write(f.getValue());
                tar.closeArchiveEntry();
            }
        } catch (IOException e) {
            throw new DriverException(Kind.OTHER, "could not pack the injected files: " + e.getMessage(), e);
        }
        archives.putArchive(containerId, "/", buf.toByteArray());
    }

    /**
     * After a container's row is gone (its attachments went with it): volumes it made with a sized mount are removed,
     * the others become {@code available} when nothing else mounts them.
     */
    public Future<Void> released(List<UUID> volumeUuids) {
        Future<Void> chain = Future.succeededFuture();
        for (UUID v : volumeUuids) {
            chain = chain.compose(x -> serial.submit(v, () -> release(v)));
        }
        return chain;
    }

    /** The volumes a container mounts, read before its row goes. */
    public Future<List<UUID>> volumesOf(UUID container) {
        return volumes.attachmentsOf(sql, container)
                .map(l -> l.stream().map(Volume.Attachment::volumeUuid).distinct().toList());
    }

    private Future<Void> release(UUID uuid) {
        return volumes.find(sql, uuid).compose(found -> {
            if (found.isEmpty() || !found.get().attachments().isEmpty()) {
                return Future.<Void>succeededFuture();
            }
            Volume v = found.get();
            if (v.autoRemove()) {
                return volumes.transition(sql, uuid, v.status(), Volume.DELETING, null, null, null)
                        .compose(moved -> moved ? removeStorageAndRow(uuid) : Future.<Void>succeededFuture());
            }
            return volumes.transition(sql, uuid, Volume.IN_USE, Volume.AVAILABLE, null, null, null).mapEmpty();
        });
    }

    // ---- reconcile ------------------------------------------------------------------------------------------------

    /**
     * One pass over this host's volumes, both ways: storage that no row names is removed; a row left {@code creating}
     * or {@code deleting} past the grace period is finished; an auto-removed volume whose container is gone is
     * removed; an {@code in-use} volume nobody mounts becomes {@code available}; a row whose storage vanished is
     * marked {@code error}.
     */
    public Future<Void> reconcile() {
        Instant before = clock.instant().minus(grace);
        return io(() -> driver.list(host)).compose(stored -> volumes.onHost(sql, host).compose(rows -> {
            Set<UUID> known = new TreeSet<>();
            List<Future<Void>> work = new ArrayList<>();
            for (Volume v : rows) {
                known.add(v.uuid());
                boolean old = v.updatedAt() == null ? v.createdAt().isBefore(before) : v.updatedAt().isBefore(before);
                work.add(serial.submit(v.uuid(), () -> repair(v, stored.contains(v.uuid()), old)));
            }
            for (UUID orphan : stored) {
                if (!known.contains(orphan)) {
                    work.add(serial.submit(orphan, () -> volumes.find(sql, orphan).compose(row -> row.isPresent()
                            ? Future.<Void>succeededFuture()
                            : io(() -> {
                                LOG.info("removing the storage of volume {}: no row names it", orphan);
                                driver.remove(orphan);
                                return null;
                            }))));
                }
            }
            return Future.join(work).<Void>mapEmpty();
        })).onFailure(e -> LOG.warn("volume reconcile on {} failed: {}", host, e.toString()));
    }

    private Future<Void> repair(Volume v, boolean hasStorage, boolean old) {
        UUID uuid = v.uuid();
        boolean mounted = v.attachments().stream().anyMatch(a -> a.attachedAt() != null);
        switch (v.status()) {
            case Volume.CREATING:
                return old ? create(uuid) : Future.succeededFuture();
            case Volume.DELETING:
                return old ? delete(uuid) : Future.succeededFuture();
            case Volume.AVAILABLE:
            case Volume.IN_USE:
                if (!hasStorage) {
                    return volumes.transition(sql, uuid, v.status(), Volume.ERROR,
                            "the storage of the volume is missing on host " + host, null, null).mapEmpty();
                }
                if (v.attachments().isEmpty() && v.autoRemove() && old) {
                    return release(uuid);
                }
                if (v.attachments().isEmpty() && Volume.IN_USE.equals(v.status())) {
                    return release(uuid);
                }
                if (mounted && Volume.AVAILABLE.equals(v.status())) {
                    return volumes.transition(sql, uuid, Volume.AVAILABLE, Volume.IN_USE, null, null, null)
                            .mapEmpty();
                }
                return Future.succeededFuture();
            default:
                return Future.succeededFuture();
        }
    }

    private <T> Future<T> io(Callable<T> call) {
        return blocking.run(context, call);
    }

    /** A volume's row, for callers that only hold its uuid. */
    public Future<Optional<Volume>> find(UUID uuid) {
        return volumes.find(sql, uuid);
    }
}
