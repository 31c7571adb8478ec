package io.zunvx.compute.driver;

import java.util.Objects;

/**
 * A file or directory copied out of a container.
 *
 * @param tar  the tar archive holding it
 * @param stat what the runtime reports about the path itself
 */
public record Archive(byte[] tar, Stat stat) {

    public Archive {
        Objects.requireNonNull(tar, "tar");
        Objects.requireNonNull(stat, "stat");
    }

    /**
     * The runtime's description of the archived path.
     *
     * @param name       base name
     * @param size       size in bytes
     * @param mode       Go's {@code os.FileMode} bits (permissions, plus {@code 1 << 31} for a directory)
     * @param mtime      modification time, RFC 3339
     * @param linkTarget target of a symbolic link, empty otherwise
     */
    public record Stat(String name, long size, long mode, String mtime, String linkTarget) {
    }
}
