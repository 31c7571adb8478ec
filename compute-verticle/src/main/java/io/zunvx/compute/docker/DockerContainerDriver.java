package io.zunvx.compute.docker;

import io.zunvx.compute.driver.RuntimePorts;

import io.zunvx.platform.config.ZunvxConfig.ContainerDefaults;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Every port for one Docker engine, through docker-java and its Apache HttpClient 5 transport: one set of connections
 * ({@link DockerClients}) shared by {@link DockerContainers}, {@link DockerImages}, {@link DockerExec},
 * {@link DockerHost} and {@link DockerNetworks}, each of which does the work of its port; this class only puts them
 * together. It has no volume methods yet ({@link io.zunvx.compute.driver.VolumeDriver} is empty).
 *
 * <p>Thread-safe; meant to be shared by every virtual thread of one compute agent.
 */
public final class DockerContainerDriver extends RuntimePorts {

    /**
     * Timeouts towards the engine.
     *
     * @param connect  establishing a connection
     * @param control  waiting for the answer to an ordinary call (inspect, start, pause, list, ...)
     * @param lengthy  waiting for pull, create, stop, restart and remove; must exceed the longest stop timeout used
     */
    public record Timeouts(Duration connect, Duration control, Duration lengthy) {
        /** 5 s to connect, 2 min for ordinary calls, 30 min for lengthy ones. */
        public static final Timeouts DEFAULT =
                new Timeouts(Duration.ofSeconds(5), Duration.ofMinutes(2), Duration.ofMinutes(30));

        public Timeouts {
            Objects.requireNonNull(connect, "connect");
            Objects.requireNonNull(control, "control");
            Objects.requireNonNull(lengthy, "lengthy");
        }
    }

    /** Pulls sent to the engine, after de-duplication (Prometheus: {@code zunvx_image_pulls_total}). */
    public static final String PULLS_METER = DockerImages.PULLS_METER;
    /** Stored images loaded into the engine, after de-duplication ({@code zunvx_image_loads_total}). */
    public static final String LOADS_METER = DockerImages.LOADS_METER;

    /** A driver for the engine at {@code dockerHost} ({@code unix:///var/run/docker.sock}, {@code tcp://h:2375}). */
    public DockerContainerDriver(String dockerHost) {
        this(dockerHost, Timeouts.DEFAULT);
    }

    /**
     * A driver for the engine at {@code dockerHost} with the given timeouts. TLS for {@code tcp://} follows docker-java's
     * usual {@code DOCKER_TLS_VERIFY} and {@code DOCKER_CERT_PATH} settings.
     */
    public DockerContainerDriver(String dockerHost, Timeouts timeouts) {
        this(new DockerClients(dockerHost, timeouts), DockerVolumeDriver.open(dockerHost, null),
                ContainerDefaults.DEFAULT);
    }

    /**
     * A driver whose volumes are loop-mounted filesystem images in {@code volumeDir} where this host allows it (see
     * {@link DockerVolumeDriver}), Docker local volumes otherwise.
     */
    public DockerContainerDriver(String dockerHost, Path volumeDir) {
        this(dockerHost, volumeDir, ContainerDefaults.DEFAULT);
    }

    /** As {@link #DockerContainerDriver(String, Path)}, giving every container {@code defaults}. */
    public DockerContainerDriver(String dockerHost, Path volumeDir, ContainerDefaults defaults) {
        this(new DockerClients(dockerHost, Timeouts.DEFAULT), DockerVolumeDriver.open(dockerHost, volumeDir),
                defaults);
    }

    private DockerContainerDriver(DockerClients clients, DockerVolumeDriver volumes, ContainerDefaults defaults) {
        super(new DockerContainers(clients, defaults), new DockerImages(clients), new DockerExec(clients),
                new DockerHost(clients), new DockerNetworks(clients), volumes, () -> {
                    volumes.close();
                    clients.close();
                });
    }
}
