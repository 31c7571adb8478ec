package io.zunvx.api.capsule;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.zunvx.api.volume.VolumeMounts;
import io.zunvx.api.volume.VolumeQuota;
import io.zunvx.model.Capsule;
import io.zunvx.model.Container;
import io.zunvx.model.Volume;
import io.zunvx.platform.auth.Identity;
import io.zunvx.platform.error.ZunException;
import io.zunvx.platform.volume.VolumeRepository;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * A capsule template's {@code spec.volumes} through the volume port (docs/volumes.md), inside the create's
 * transaction: an existing volume ({@code volumeID}) must be the project's, {@code available} (or still
 * {@code creating}: the host's agent finishes it before the first container that mounts it) and unattached, and
 * makes the scheduler place the capsule on its host; a sized one is a new volume row ({@code creating}, no host yet)
 * counted against the {@code volumes} and {@code gigabytes} quotas, made by the agent when the first container that
 * mounts it is created. Each {@code volumeMounts} entry is an attachment of that container, so the capsule's containers
 * share the volume. {@code autoRemove} marks the volume to go when its last attachment goes (the capsule's delete).
 */
final class CapsuleVolumes {
    private final VolumeRepository volumes;
    private final VolumeQuota quota;
    private final Supplier<UUID> ids;

    CapsuleVolumes(VolumeRepository volumes, VolumeQuota quota, Supplier<UUID> ids) {
        this.volumes = volumes;
        this.quota = quota;
        this.ids = ids;
    }

    /** What {@link #apply} found: the capsule's volumes and the hosts the existing ones live on. */
    record Applied(List<Capsule.CapsuleVolume> volumes, Set<String> hosts) {
    }

    /**
     * Finds and locks the existing volumes, checks the quotas, and writes the new volumes.
     *
     * @throws ZunException (in the Future) 404 for a volume not found, 400 for one that is not usable, 403 over quota
     */
    Future<Applied> apply(SqlConnection tx, CapsuleTemplate t, Identity who, UUID capsule) {
        if (t.volumes().isEmpty()) {
            return Future.succeededFuture(new Applied(List.of(), Set.of()));
        }
        List<Capsule.CapsuleVolume> out = new ArrayList<>();
        Set<String> hosts = new TreeSet<>();
        Future<Void> chain = Future.succeededFuture();
        for (CapsuleTemplate.VolumeSpec v : t.volumes()) {
            if (v.volumeId() == null) {
                continue;
            }
            chain = chain.compose(x -> volumes.resolve(tx, who.isAdmin() ? null : who.projectId(), v.volumeId(), true)
                    .compose(list -> {
                        if (list.isEmpty()) {
                            return Future.failedFuture(new ZunException(404, "not-found",
                                    "Volume " + v.volumeId() + " could not be found."));
                        }
                        Volume vol = list.getFirst();
                        if (!vol.projectId().equals(who.projectId())) {
                            return Future.failedFuture(ZunException.invalid("Cinder volume " + vol.uuid()
                                    + " not usable: it belongs to another project."));
                        }
                        if (!vol.attachments().isEmpty() || !VolumeMounts.mountable(vol.status())) {
                            return Future.failedFuture(ZunException.invalid("Volume " + vol.uuid() + " is "
                                    + vol.status() + ", not available."));
                        }
                        if (out.stream().anyMatch(o -> o.volumeUuid().equals(vol.uuid()))) {
                            return Future.failedFuture(ZunException.invalid("volume mount parameters is invalid: "
                                    + "volume " + vol.uuid() + " is declared twice."));
                        }
                        if (vol.host() != null) {
                            hosts.add(vol.host());
                        }
                        out.add(new Capsule.CapsuleVolume(v.name(), vol.uuid(), v.autoRemove()));
                        return v.autoRemove() ? volumes.markAutoRemove(tx, vol.uuid())
                                : Future.<Void>succeededFuture();
                    }));
        }
        List<CapsuleTemplate.VolumeSpec> sized = t.volumes().stream().filter(v -> v.size() != null).toList();
        long gigabytes = sized.stream().mapToLong(CapsuleTemplate.VolumeSpec::size).sum();
        return chain.compose(x -> quota.check(tx, who.projectId(), sized.size(), gigabytes)).compose(refusal -> {
            if (refusal != null) {
                return Future.failedFuture(new ZunException(403, "over-quota",
                        "Quota exceeded for resources: ['" + refusal.resource() + "']"));
            }
            Future<Void> made = Future.succeededFuture();
            for (CapsuleTemplate.VolumeSpec s : sized) {
                UUID id = ids.get();
                Volume vol = new Volume(id, null, "Made for capsule " + capsule
                        + (s.autoRemove() ? ", removed with it" : ""), who.projectId(), who.userId(), s.size(),
                        Volume.CREATING, null, null, s.autoRemove(), null, List.of(), null, null, 0);
                out.add(new Capsule.CapsuleVolume(s.name(), id, s.autoRemove()));
                made = made.compose(x -> volumes.insert(tx, vol).mapEmpty());
            }
            // The template's order, whatever the kind of each volume.
            List<Capsule.CapsuleVolume> ordered = new ArrayList<>();
            for (CapsuleTemplate.VolumeSpec v : t.volumes()) {
                out.stream().filter(o -> o.name().equals(v.name())).findFirst().ifPresent(ordered::add);
            }
            return made.map(new Applied(ordered, hosts));
        });
    }

    /** The attachments of the capsule's containers, once their rows exist. */
    Future<Void> attach(SqlConnection tx, List<Capsule.CapsuleVolume> capsuleVolumes, List<Container> members,
                        Map<UUID, List<CapsuleTemplate.MountSpec>> mounts) {
        Future<Void> chain = Future.succeededFuture();
        for (Container m : members) {
            for (CapsuleTemplate.MountSpec ms : mounts.getOrDefault(m.uuid(), List.of())) {
                UUID volume = capsuleVolumes.stream().filter(v -> v.name().equals(ms.name())).findFirst()
                        .orElseThrow().volumeUuid();
                chain = chain.compose(x -> volumes.attach(tx, new Volume.Attachment(ids.get(), volume, m.uuid(),
                        ms.mountPath(), ms.readOnly(), null)));
            }
        }
        return chain;
    }

    /** Removes the attachments of a never-placed container, and the volumes no one made that nothing mounts now. */
    Future<Void> dropUnplaced(SqlConnection tx, UUID container, List<Capsule.CapsuleVolume> capsuleVolumes) {
        List<UUID> ids = capsuleVolumes.stream().map(Capsule.CapsuleVolume::volumeUuid).toList();
        return volumes.dropUnplacedAttachments(tx, container, ids);
    }
}
