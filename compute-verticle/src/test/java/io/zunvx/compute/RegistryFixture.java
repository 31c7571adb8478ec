package io.zunvx.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The real engine and a {@link LocalRegistry} for image tests: removes the names a test made, keeps busybox intact. */
public final class RegistryFixture implements AutoCloseable {
    private static final String BUSYBOX = "busybox:latest";

    private final DockerClient docker;
    private final LocalRegistry registry;
    private final String busyboxId;
    private final List<String> made = new CopyOnWriteArrayList<>();

    private RegistryFixture(DockerClient docker, LocalRegistry registry, String busyboxId) {
        this.docker = docker;
        this.registry = registry;
        this.busyboxId = busyboxId;
    }

    /**
     * Connects to the engine at {@code dockerHost} and starts a registry under {@code dir} for {@code username} and
     * {@code password}; fails the test class where the registry is not installed (scripts/bootstrap.sh installs it).
     */
    public static RegistryFixture start(String dockerHost, Path dir, String username, String password) {
        assertTrue(LocalRegistry.available(), "docker-registry is not installed; scripts/bootstrap.sh installs it");
        DockerClient docker = TestImages.docker(dockerHost);
        try {
            String busyboxId = docker.inspectImageCmd(BUSYBOX).exec().getId();
            return new RegistryFixture(docker, LocalRegistry.start(dir, username, password), busyboxId);
        } catch (RuntimeException e) {
            try {
                docker.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    public DockerClient docker() {
        return docker;
    }

    public LocalRegistry registry() {
        return registry;
    }

    /** The id of the locally built busybox. */
    public String busyboxId() {
        return busyboxId;
    }

    /** Notes a local image name the test made, for {@link #removeMade()}. */
    public void made(String reference) {
        made.add(reference);
    }

    /** Pushes busybox to the registry as {@code repository:tag} and returns the name the engine pulls it by. */
    public String pushBusybox(String repository, String tag) {
        String reference = registry.push(docker, BUSYBOX, repository, tag);
        made(reference);
        return reference;
    }

    /** Removes the names made since the last call (the containers using them must be gone); busybox is untouched. */
    public void removeMade() {
        for (String name : made) {
            LocalRegistry.untag(docker, name);
        }
        made.clear();
        assertEquals(busyboxId, docker.inspectImageCmd(BUSYBOX).exec().getId());
    }

    /** Stops the registry and closes the client. */
    @Override
    public void close() throws IOException {
        registry.close();
        docker.close();
    }
}
