package io.zunvx.compute.driver;

import io.zunvx.model.Volume;
import java.util.Set;
import java.util.UUID;

/**
 * The compute agent's port to the volume storage of its host: one named volume per platform volume, which containers
 * (and the containers of one capsule, together) mount by {@link #mountName}.
 *
 * <p>Every method blocks, so callers run it off the event loop; failures are {@link DriverException}s. Every method
 * is idempotent: making a volume that exists finds it, removing one that is gone succeeds, so a command re-delivered
 * after a crash finishes the work instead of repeating it.
 */
public interface VolumeDriver {

    /** A runtime without volumes: it makes none and lists none. */
    VolumeDriver NONE = new VolumeDriver() {
        @Override
        public boolean enforcesSize() {
            return false;
        }

        @Override
        public String describe() {
            return "no volumes";
        }

        @Override
        public void create(UUID uuid, int sizeGiB, String host) {
            throw new DriverException(DriverException.Kind.BAD_REQUEST, "this runtime has no volumes");
        }

        @Override
        public void prepare(UUID uuid) {
            throw new DriverException(DriverException.Kind.NOT_FOUND, "this runtime has no volumes");
        }

        @Override
        public String mountName(UUID uuid) {
            return Volume.dockerName(uuid);
        }

        @Override
        public void remove(UUID uuid) {
        }

        @Override
        public Set<UUID> list(String host) {
            return Set.of();
        }
    };

    /**
     * Whether a volume made here holds writes to its size (a filesystem of that size backs it); when not, a volume
     * can grow as far as the host's disk allows, and its {@code size} is only what quotas count.
     */
    boolean enforcesSize();

    /** How this host stores volumes, in a few words for operators (e.g. {@code ext4 image, loop-mounted}). */
    String describe();

    /**
     * Makes the storage of volume {@code uuid}, {@code sizeGiB} large, labelled with {@code host}; finds it when it
     * exists already.
     */
    void create(UUID uuid, int sizeGiB, String host);

    /**
     * Makes an existing volume ready to be mounted (a filesystem image is mounted again after the host restarted).
     *
     * @throws DriverException {@link DriverException.Kind#NOT_FOUND} when the volume's storage does not exist
     */
    void prepare(UUID uuid);

    /** The name a container mounts the volume by. */
    String mountName(UUID uuid);

    /**
     * Removes the volume's storage and everything it held; succeeds when it is gone already.
     *
     * @throws DriverException {@link DriverException.Kind#CONFLICT} while a container still mounts it
     */
    void remove(UUID uuid);

    /** The volumes whose storage exists on this host for {@code host}, complete or not. */
    Set<UUID> list(String host);
}
