package io.zunvx.api.volume;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import io.zunvx.api.container.CreateContainerRequest;
import io.zunvx.model.Container;
import io.zunvx.model.Volume;
import io.zunvx.platform.auth.Identity;
import io.zunvx.platform.error.ZunException;
import io.zunvx.platform.volume.VolumeRepository;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The {@code mounts} of a container create (reference §3.1.1): an existing volume by name or id, a new volume of a
 * size that goes with the container, or a file whose Base64 content is written into the container ({@code bind}).
 *
 * <p>{@link #validate} checks what needs no database (a pure function); {@link #apply} then, inside the create's
 * transaction, finds and locks the volumes named, checks they can be mounted, counts new volumes against the
 * {@code volumes} and {@code gigabytes} quotas, and tells the scheduler where the existing volumes live.
 * {@link #record} writes the volumes, attachments and files once the container row exists. A refusal anywhere rolls
 * the whole create back, so nothing is left behind.
 */
public final class VolumeMounts {
    /** Largest decoded file a {@code bind} mount may inject. */
    public static final int MAX_FILE_BYTES = 256 * 1024;
    /** Largest total of the files one container may have injected. */
    public static final int MAX_FILES_BYTES = 1024 * 1024;
    /** Largest size of a new volume, in GiB. */
    public static final int MAX_SIZE = 16 * 1024;
    private static final Pattern DIGITS = Pattern.compile("[0-9]+");

    private final VolumeRepository volumes;
    private final VolumeQuota quota;
    private final Supplier<UUID> ids;

    public VolumeMounts(VolumeRepository volumes, VolumeQuota quota, Supplier<UUID> ids) {
        this.volumes = volumes;
        this.quota = quota;
        this.ids = ids;
    }

    /** An existing volume to mount. */
    public record Existing(String ref, String destination) {
    }

    /** A new volume of {@code size} GiB, removed with the container. */
    public record Sized(int size, String destination) {
    }

    /** What a create's mounts ask for, validated. */
    public record Requested(List<Existing> existing, List<Sized> sized, Map<String, byte[]> files) {
        public static final Requested NONE = new Requested(List.of(), List.of(), Map.of());

        public boolean isEmpty() {
            return existing.isEmpty() && sized.isEmpty() && files.isEmpty();
        }
    }

    /** What {@link #apply} found: the existing volumes (locked), in mount order. */
    public record Resolved(Requested requested, List<Volume> existing) {
    }

    /**
     * Checks the mounts as far as that needs no database: absolute destinations other than {@code /}, each once; a
     * volume mount names a source or a size, not both; a size is a whole number of GiB from 1 to
     * {@value #MAX_SIZE}; a bind mount's source is Base64 of at most {@value #MAX_FILE_BYTES} bytes (all files
     * together at most {@value #MAX_FILES_BYTES}) and it has no size.
     *
     * @throws ZunException 400 with the first problem
     */
    public static Requested validate(List<CreateContainerRequest.Mount> mounts) {
        if (mounts.isEmpty()) {
            return Requested.NONE;
        }
        List<Existing> existing = new ArrayList<>();
        List<Sized> sized = new ArrayList<>();
        Map<String, byte[]> files = new LinkedHashMap<>();
        Set<String> destinations = new HashSet<>();
        Set<String> sources = new HashSet<>();
        long total = 0;
        for (CreateContainerRequest.Mount m : mounts) {
            String dest = normalize(m.destination());
            if (!destinations.add(dest)) {
                throw ZunException.invalid("Duplicate mount destination " + m.destination() + ".");
            }
            if ("bind".equals(m.type())) {
                if (m.size() != null) {
                    throw ZunException.invalid("A mount of type bind injects a file and takes no size.");
                }
                if (m.source() == null) {
                    throw ZunException.invalid("A mount of type bind needs the file content (Base64) as source.");
                }
                byte[] content;
                try {
                    content = Base64.getMimeDecoder().decode(m.source());
                    if (!m.source().isBlank() && content.length == 0 || !base64(m.source())) {
                        throw new IllegalArgumentException("no Base64");
                    }
                } catch (IllegalArgumentException e) {
                    throw ZunException.invalid("The source of the bind mount at " + m.destination()
                            + " is not valid Base64.");
                }
                if (content.length > MAX_FILE_BYTES) {
                    throw ZunException.invalid("The file injected at " + m.destination() + " is " + content.length
                            + " bytes; at most " + MAX_FILE_BYTES + " are allowed.");
                }
                total += content.length;
                if (total > MAX_FILES_BYTES) {
                    throw ZunException.invalid("The files injected into a container may hold at most "
                            + MAX_FILES_BYTES + " bytes together.");
                }
                files.put(dest, content);
            } else if (m.source() != null) {
                if (m.size() != null) {
                    throw ZunException.invalid("A mount names an existing volume (source) or the size of a new one, "
                            + "not both.");
                }
                if (m.source().isBlank()) {
                    throw ZunException.invalid("The source of a volume mount must name a volume.");
                }
                if (!sources.add(m.source())) {
                    throw ZunException.invalid("Volume " + m.source() + " is mounted twice.");
                }
                existing.add(new Existing(m.source(), dest));
            } else {
                sized.add(new Sized(size(m.size()), dest));
            }
        }
        return new Requested(existing, sized, files);
    }

    /** A volume size as Zun's schema lets it through (a string or an integer), as a whole positive number of GiB. */
    static int size(String raw) {
        String s = raw == null ? "" : raw.strip();
        if (!DIGITS.matcher(s).matches() || s.length() > 9 || Integer.parseInt(s) <= 0) {
            throw ZunException.invalid("Invalid volume size '" + raw + "': it must be a whole number of GiB "
                    + "greater than 0.");
        }
        int n = Integer.parseInt(s);
        if (n > MAX_SIZE) {
            throw ZunException.invalid("Invalid volume size '" + raw + "': at most " + MAX_SIZE + " GiB.");
        }
        return n;
    }

    private static String normalize(String destination) {
        if (destination == null || !destination.startsWith("/")) {
            throw ZunException.invalid("The mount destination '" + destination + "' is not an absolute path.");
        }
        String d = destination.replaceAll("/+", "/");
        if (d.length() > 1 && d.endsWith("/")) {
            d = d.substring(0, d.length() - 1);
        }
        if (d.equals("/")) {
            throw ZunException.invalid("A volume cannot be mounted at /.");
        }
        for (String part : d.substring(1).split("/")) {
            if (part.equals("..") || part.equals(".")) {
                throw ZunException.invalid("The mount destination '" + destination + "' must not hold . or ..");
            }
        }
        if (d.length() > 4096 || d.indexOf('\0') >= 0 || d.indexOf(',') >= 0) {
            throw ZunException.invalid("The mount destination '" + destination + "' is not a usable path.");
        }
        return d;
    }

    private static boolean base64(String s) {
        return s.chars().allMatch(c -> c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
                || c == '+' || c == '/' || c == '=' || c == '\n' || c == '\r');
    }

    /**
     * Users may not send the hints through which the API tells the scheduler where things live
     * ({@link Volume#HOST_HINT}, the ports' host hint): every hint named {@code zunvx:...} is reserved.
     */
    public static void checkHints(Map<String, String> hints) {
        for (String key : hints.keySet()) {
            if (key.startsWith("zunvx:")) {
                throw ZunException.invalid("The scheduler hint " + key + " is reserved.");
            }
        }
    }

    /**
     * Inside the create's transaction: finds and locks the existing volumes (the caller's project; any project for an
     * admin), checks each is {@code available} or still {@code creating} (the host's agent finishes it before it
     * mounts it), checks the quotas for the new ones, and returns the container with
     * the hosts of the existing volumes as a scheduler hint.
     *
     * @throws ZunException (in the Future) 404 for a volume not found, 409 for a name that several volumes have, 400
     *                      for a volume that is not usable or not available, 403 over quota
     */
    public Future<Container> apply(SqlConnection tx, Container c, Requested r, Identity who,
                                   AtomicReference<Resolved> out) {
        if (r.isEmpty()) {
            out.set(new Resolved(r, List.of()));
            return Future.succeededFuture(c);
        }
        List<Volume> found = new ArrayList<>();
        Future<Void> chain = Future.succeededFuture();
        for (Existing e : r.existing()) {
            chain = chain.compose(v -> volumes.resolve(tx, who.isAdmin() ? null : who.projectId(), e.ref(), true)
                    .compose(list -> {
                        Volume vol = pick(list, e.ref(), who);
                        if (found.stream().anyMatch(x -> x.uuid().equals(vol.uuid()))) {
                            return Future.failedFuture(ZunException.invalid("Volume " + vol.uuid()
                                    + " is mounted twice."));
                        }
                        if (!vol.projectId().equals(c.projectId())) {
                            return Future.failedFuture(ZunException.invalid("Cinder volume " + vol.uuid()
                                    + " not usable: it belongs to another project."));
                        }
                        if (!vol.attachments().isEmpty() || Volume.IN_USE.equals(vol.status())) {
                            return Future.failedFuture(ZunException.invalid("Volume " + vol.uuid() + " is in use."));
                        }
                        if (!mountable(vol.status())) {
                            return Future.failedFuture(ZunException.invalid("Volume " + vol.uuid() + " is "
                                    + vol.status() + ", not available."));
                        }
                        found.add(vol);
                        return Future.<Void>succeededFuture();
                    }));
        }
        long gigabytes = r.sized().stream().mapToLong(Sized::size).sum();
        return chain.compose(v -> quota.check(tx, c.projectId(), r.sized().size(), gigabytes)).compose(refusal -> {
            if (refusal != null) {
                return Future.failedFuture(new ZunException(403, "over-quota",
                        "Quota exceeded for resources: ['" + refusal.resource() + "']"));
            }
            out.set(new Resolved(r, List.copyOf(found)));
            Set<String> hosts = new TreeSet<>();
            found.forEach(vol -> hosts.add(vol.host()));
            if (hosts.isEmpty()) {
                return Future.succeededFuture(c);
            }
            Map<String, String> hints = new LinkedHashMap<>(c.hints());
            hints.put(Volume.HOST_HINT, String.join(",", hosts));
            return Future.succeededFuture(c.toBuilder().hints(hints).build());
        });
    }

    private static Volume pick(List<Volume> list, String ref, Identity who) {
        if (list.isEmpty()) {
            throw new ZunException(404, "not-found", "Volume " + ref + " could not be found.");
        }
        if (list.getFirst().uuid().toString().equals(ref)) {
            return list.getFirst();
        }
        // An admin's name lookup prefers the admin's own project.
        List<Volume> own = list.stream().filter(v -> v.projectId().equals(who.projectId())).toList();
        List<Volume> candidates = own.isEmpty() ? list : own;
        if (candidates.size() > 1) {
            throw ZunException.conflict("Multiple volumes exist with same name " + ref
                    + ". Please use the volume id instead.");
        }
        return candidates.getFirst();
    }

    /** After the container row exists: the new volumes, every attachment and the injected files. */
    public Future<Void> record(SqlConnection tx, Container saved, Resolved resolved) {
        Requested r = resolved.requested();
        Future<Void> chain = Future.succeededFuture();
        for (int i = 0; i < r.existing().size(); i++) {
            Volume vol = resolved.existing().get(i);
            String dest = r.existing().get(i).destination();
            chain = chain.compose(v -> volumes.attach(tx, new Volume.Attachment(ids.get(), vol.uuid(), saved.uuid(),
                    dest, false, null)));
        }
        for (Sized s : r.sized()) {
            UUID id = ids.get();
            Volume vol = new Volume(id, null, "Made for container " + saved.uuid() + ", removed with it",
                    saved.projectId(), saved.userId(), s.size(), Volume.CREATING, null, null, true, null,
                    List.of(), null, null, 0);
            chain = chain.compose(v -> volumes.insert(tx, vol)).compose(v -> volumes.attach(tx,
                    new Volume.Attachment(ids.get(), id, saved.uuid(), s.destination(), false, null)));
        }
        for (Map.Entry<String, byte[]> f : r.files().entrySet()) {
            chain = chain.compose(v -> volumes.addFile(tx, saved.uuid(), f.getKey(), f.getValue()));
        }
        return chain;
    }

    /**
     * Whether an existing volume in this status may be named by a new container or capsule: {@code available}, or
     * still {@code creating} (a volume made just before, as Zun's clients do). The host's agent makes a creating
     * volume's storage before the first container that mounts it (under the volume's lock, so at most once with its
     * own create command); a volume whose create fails puts that container in {@code Error} with the reason.
     */
    public static boolean mountable(String status) {
        return Volume.AVAILABLE.equals(status) || Volume.CREATING.equals(status);
    }

    /**
     * The volumes of a container whose row goes while its host is down (a forced delete): its attachments go; a volume
     * made for it ({@code auto_remove}) that no other container mounts loses its row, and the host's volume sweep
     * removes the storage no row names once the host is back; any other volume nobody else mounts becomes
     * {@code available} (its storage stays on that host).
     */
    public Future<Void> releaseOnDownHost(SqlConnection tx, UUID container, Instant now) {
        return tx.preparedQuery("""
                        WITH mine AS (DELETE FROM volume_attachments WHERE container_uuid = $1 RETURNING volume_uuid),
                             shared AS (SELECT volume_uuid FROM volume_attachments
                                        WHERE container_uuid <> $1 AND volume_uuid IN (SELECT volume_uuid FROM mine)),
                             gone AS (DELETE FROM volumes WHERE uuid IN (SELECT volume_uuid FROM mine) AND auto_remove
                                      AND uuid NOT IN (SELECT volume_uuid FROM shared) RETURNING uuid)
                        UPDATE volumes SET status = 'available', status_reason = NULL, updated_at = $2,
                            version = version + 1
                        WHERE uuid IN (SELECT volume_uuid FROM mine) AND NOT auto_remove AND status = 'in-use'
                            AND uuid NOT IN (SELECT volume_uuid FROM shared)""")
                .execute(Tuple.of(container, now.atOffset(ZoneOffset.UTC))).mapEmpty();
    }

    /** Removes the volumes a never-placed container made with sized mounts (nothing exists outside the database). */
    public Future<Void> dropUnplaced(SqlConnection tx, UUID container) {
        return tx.preparedQuery("""
                        WITH mine AS (DELETE FROM volume_attachments WHERE container_uuid = $1 RETURNING volume_uuid)
                        DELETE FROM volumes WHERE uuid IN (SELECT volume_uuid FROM mine) AND auto_remove
                            AND host IS NULL""")
                .execute(Tuple.of(container)).mapEmpty();
    }
}
