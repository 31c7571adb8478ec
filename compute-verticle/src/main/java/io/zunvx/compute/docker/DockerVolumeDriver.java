package io.zunvx.compute.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectVolumeResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.zunvx.compute.driver.DriverException.Kind;
import io.zunvx.compute.driver.DriverException;
import io.zunvx.compute.driver.VolumeDriver;
import io.zunvx.model.Container;
import io.zunvx.model.Volume;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Volumes as Docker named volumes ({@code zunvx-vol-<uuid>}, labelled with the volume uuid and host), in one of two
 * ways, chosen once per host by {@link #open}:
 *
 * <ul>
 *   <li><b>sized</b>: each volume is an ext4 filesystem image of its size in the agent's volume directory, sparse,
 *       loop-mounted at {@code <dir>/<uuid>} and handed to Docker as a bind of that directory. Writes stop at the
 *       size. Needs root, {@code mkfs.ext4}, {@code mount}, loop devices, and the agent and the Docker engine in one
 *       mount namespace (one machine, or a privileged agent with bidirectional mount propagation).</li>
 *   <li><b>plain</b>: Docker's local driver; the size is not enforced.</li>
 * </ul>
 *
 * <p>An image file is written under a temporary name and renamed when complete, so a crash leaves either nothing, a
 * temporary file that {@link #list} reports for removal, or a complete image.
 */
public final class DockerVolumeDriver implements VolumeDriver {
    private static final Logger LOG = LoggerFactory.getLogger(DockerVolumeDriver.class);
    private static final String IMAGE_SUFFIX = ".img";
    private static final String PARTIAL_SUFFIX = ".img.part";
    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(60);

    private final DockerClient docker;
    private final String dockerHost;
    private final Path candidateDir;
    private final boolean local;
    /** Where images live, {@code null} in plain mode; decided by the first call that needs it. */
    private Path imageDir;
    private boolean decided;

    private DockerVolumeDriver(DockerClient docker, String dockerHost, Path candidateDir, boolean local) {
        this.docker = docker;
        this.dockerHost = dockerHost;
        this.candidateDir = candidateDir;
        this.local = local;
    }

    /** The image directory in sized mode, {@code null} in plain mode; tries a loop mount once (it blocks). */
    private synchronized Path images() {
        if (!decided) {
            String why = candidateDir == null ? "no volume directory was given"
                    : local ? probe(candidateDir) : "the Docker engine is not on this machine (" + dockerHost + ")";
            if (why == null) {
                LOG.info("volumes on {}: ext4 images in {}, loop-mounted; sizes are enforced", dockerHost,
                        candidateDir);
                imageDir = candidateDir;
            } else {
                LOG.warn("volumes on {}: Docker local volumes; sizes are NOT enforced ({})", dockerHost, why);
            }
            decided = true;
        }
        return imageDir;
    }

    /**
     * A driver for the engine at {@code dockerHost}: sized when {@code imageDir} can hold loop-mounted filesystem
     * images here (tried once with a small image, which is then removed) and the engine is on this machine
     * ({@code unix://}), plain otherwise. The trial happens on the first call that needs to know, not here, so
     * opening never blocks.
     */
    public static DockerVolumeDriver open(String dockerHost, Path imageDir) {
        DockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(dockerHost).build();
        DockerClient client = DockerClientImpl.getInstance(config, new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost()).sslConfig(config.getSSLConfig()).maxConnections(16)
                .connectionTimeout(Duration.ofSeconds(5)).responseTimeout(Duration.ofSeconds(60)).build());
        boolean local = "unix".equals(config.getDockerHost().getScheme());
        return new DockerVolumeDriver(client, dockerHost, imageDir, local);
    }

    /** Why loop-mounted images cannot work in {@code dir}, or {@code null} when a trial one did. */
    static String probe(Path dir) {
        Path img = null;
        Path mnt = null;
        try {
            Files.createDirectories(dir);
            img = Files.createTempFile(dir, "probe-", PARTIAL_SUFFIX);
            mnt = Files.createTempDirectory(dir, "probe-");
            try (var f = FileChannel.open(img, StandardOpenOption.WRITE)) {
                f.truncate(0);
                f.write(ByteBuffer.wrap(new byte[1]), (8L << 20) - 1);
            }
            run("mkfs.ext4", "-q", "-F", img.toString());
            run("mount", "-o", "loop", img.toString(), mnt.toString());
            run("umount", mnt.toString());
            return null;
        } catch (IOException | RuntimeException e) {
            return e.getMessage();
        } finally {
            try {
                if (img != null) {
                    Files.deleteIfExists(img);
                }
                if (mnt != null) {
                    Files.deleteIfExists(mnt);
                }
            } catch (IOException e) {
                LOG.debug("cleaning up the volume probe", e);
            }
        }
    }

    @Override
    public boolean enforcesSize() {
        return images() != null;
    }

    @Override
    public String describe() {
        return images() == null ? "Docker local volumes, size not enforced"
                : "ext4 images in " + images() + ", loop-mounted, size enforced";
    }

    @Override
    public String mountName(UUID uuid) {
        return Volume.dockerName(uuid);
    }

    @Override
    public void create(UUID uuid, int sizeGiB, String host) {
        Map<String, String> labels = Map.of(Volume.LABEL_UUID, uuid.toString(), Container.LABEL_HOST, host);
        var cmd = docker.createVolumeCmd().withName(mountName(uuid)).withDriver("local").withLabels(labels);
        if (images() != null) {
            Path image = image(uuid);
            if (!Files.exists(image)) {
                Path part = imageDir.resolve(uuid + PARTIAL_SUFFIX);
                try {
                    Files.createDirectories(imageDir);
                    try (var f = FileChannel.open(part, StandardOpenOption.CREATE,
                            StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                        f.write(ByteBuffer.wrap(new byte[1]), ((long) sizeGiB << 30) - 1);
                    }
                    run("mkfs.ext4", "-q", "-F", "-m", "0", "-E", "lazy_itable_init=1,lazy_journal_init=1",
                            part.toString());
                    Files.move(part, image, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException e) {
                    throw new DriverException(Kind.OTHER, "could not make the image of volume " + uuid + ": "
                            + e.getMessage(), e);
                }
            }
            mount(uuid);
            cmd.withDriverOpts(Map.of("type", "none", "o", "bind", "device", mountPoint(uuid).toString()));
        }
        call(cmd::exec);
    }

    @Override
    public void prepare(UUID uuid) {
        InspectVolumeResponse v;
        try {
            v = docker.inspectVolumeCmd(mountName(uuid)).exec();
        } catch (NotFoundException e) {
            throw new DriverException(Kind.NOT_FOUND, "volume " + uuid + " has no storage on this host", e);
        } catch (RuntimeException e) {
            throw DockerErrors.translate(e);
        }
        if (images() != null && v.getOptions() != null && "bind".equals(v.getOptions().get("o"))) {
            if (!Files.exists(image(uuid))) {
                throw new DriverException(Kind.NOT_FOUND, "the filesystem image of volume " + uuid + " is missing");
            }
            mount(uuid);
        }
    }

    @Override
    public void remove(UUID uuid) {
        try {
            docker.removeVolumeCmd(mountName(uuid)).exec();
        } catch (NotFoundException gone) {
            // removed already
        } catch (ConflictException e) {
            throw new DriverException(Kind.CONFLICT, "volume " + uuid + " is in use: " + DockerErrors.message(e),
                    e);
        } catch (RuntimeException e) {
            throw DockerErrors.translate(e);
        }
        if (images() != null) {
            Path mnt = mountPoint(uuid);
            if (mounted(mnt)) {
                run("umount", mnt.toString());
            }
            try {
                Files.deleteIfExists(mnt);
                Files.deleteIfExists(image(uuid));
                Files.deleteIfExists(imageDir.resolve(uuid + PARTIAL_SUFFIX));
            } catch (IOException e) {
                throw new DriverException(Kind.OTHER, "could not remove the image of volume " + uuid + ": "
                        + e.getMessage(), e);
            }
        }
    }

    @Override
    public Set<UUID> list(String host) {
        Set<UUID> out = new TreeSet<>();
        var listed = call(() -> docker.listVolumesCmd()
                .withFilter("label", List.of(Container.LABEL_HOST + "=" + host)).exec());
        if (listed.getVolumes() != null) {
            listed.getVolumes().forEach(v -> {
                String id = v.getLabels() == null ? null : v.getLabels().get(Volume.LABEL_UUID);
                if (id != null) {
                    out.add(UUID.fromString(id));
                }
            });
        }
        if (images() != null && Files.isDirectory(imageDir)) {
            try (Stream<Path> files = Files.list(imageDir)) {
                files.map(p -> p.getFileName().toString())
                        .filter(n -> n.endsWith(IMAGE_SUFFIX) || n.endsWith(PARTIAL_SUFFIX))
                        .map(n -> n.substring(0, n.indexOf('.')))
                        .forEach(n -> {
                            try {
                                out.add(UUID.fromString(n));
                            } catch (IllegalArgumentException notOurs) {
                                // a file this driver did not write
                            }
                        });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    // ---- images -------------------------------------------------------------------------------------------------

    private Path image(UUID uuid) {
        return imageDir.resolve(uuid + IMAGE_SUFFIX);
    }

    private Path mountPoint(UUID uuid) {
        return imageDir.resolve(uuid.toString());
    }

    private void mount(UUID uuid) {
        Path mnt = mountPoint(uuid);
        try {
            Files.createDirectories(mnt);
        } catch (IOException e) {
            throw new DriverException(Kind.OTHER, "could not make " + mnt + ": " + e.getMessage(), e);
        }
        if (!mounted(mnt)) {
            run("mount", "-o", "loop", image(uuid).toString(), mnt.toString());
        }
    }

    /** Whether a filesystem is mounted at {@code dir}, by the kernel's mount table. */
    private static boolean mounted(Path dir) {
        try {
            String target = dir.toAbsolutePath().toString();
            for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
                String[] f = line.split(" ");
                if (f.length > 1 && f[1].equals(target)) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            throw new DriverException(Kind.OTHER, "could not read the mount table: " + e.getMessage(), e);
        }
    }

    private static void run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(TOOL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new DriverException(Kind.TIMEOUT, String.join(" ", command) + " did not finish");
            }
            if (p.exitValue() != 0) {
                throw new DriverException(Kind.OTHER, String.join(" ", command) + " failed ("
                        + p.exitValue() + "): " + new String(out, StandardCharsets.UTF_8).strip());
            }
        } catch (IOException e) {
            throw new DriverException(Kind.OTHER, String.join(" ", command) + " could not run: " + e.getMessage(),
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DriverException(Kind.UNAVAILABLE, String.join(" ", command) + " interrupted", e);
        }
    }

    private static <T> T call(Supplier<T> action) {
        try {
            return action.get();
        } catch (RuntimeException e) {
            throw DockerErrors.translate(e);
        }
    }

    /** Closes the Docker client. */
    public void close() {
        try {
            docker.close();
        } catch (IOException e) {
            LOG.debug("closing a Docker client", e);
        }
    }

}
