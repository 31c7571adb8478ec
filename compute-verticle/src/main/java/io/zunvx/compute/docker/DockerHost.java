package io.zunvx.compute.docker;

import static io.zunvx.compute.docker.DockerErrors.call;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Info;
import io.zunvx.compute.driver.HostDriver;
import io.zunvx.compute.driver.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@link HostDriver} for a Docker engine: {@code docker info}, with the disk size Docker does not report. */
final class DockerHost implements HostDriver {
    private static final Logger LOG = LoggerFactory.getLogger(DockerHost.class);
    private static final long GIB = 1024L * 1024 * 1024;
    private static final long MIB = 1024L * 1024;

    private final URI dockerHost;
    private final DockerClient control;

    DockerHost(DockerClients clients) {
        this.dockerHost = clients.dockerHost();
        this.control = clients.control();
    }

    @Override
    public HostInfo info() {
        Info info = call(() -> control.infoCmd().exec());
        // docker-java's Info model has no DefaultRuntime; fields it does not model are kept in the raw values.
        Object defaultRuntime = info.getRawValues().get("DefaultRuntime");
        List<String> runtimes = info.getRuntimes() == null
                ? List.of()
                : info.getRuntimes().keySet().stream().sorted().toList();
        return new HostInfo(
                orZero(info.getNCPU()),
                info.getMemTotal() == null ? 0 : info.getMemTotal() / MIB,
                diskTotalGb(info),
                info.getArchitecture(),
                info.getOsType(),
                info.getOperatingSystem(),
                info.getKernelVersion(),
                runtimes,
                defaultRuntime == null ? null : defaultRuntime.toString(),
                orZero(info.getContainers()),
                orZero(info.getContainersRunning()),
                orZero(info.getContainersPaused()),
                orZero(info.getContainersStopped()));
    }

    /**
     * Only storage drivers on a thin pool (devicemapper) report a size; for the others the size of the filesystem under
     * Docker's root directory is the answer, readable only when the engine runs on this machine.
     */
    private long diskTotalGb(Info info) {
        if (info.getDriverStatuses() != null) {
            for (List<String> entry : info.getDriverStatuses()) {
                if (entry.size() == 2 && "Data Space Total".equals(entry.get(0))) {
                    long bytes = HumanSize.parseBytes(entry.get(1));
                    if (bytes > 0) {
                        return bytes / GIB;
                    }
                }
            }
        }
        if (!"unix".equals(dockerHost.getScheme()) || info.getDockerRootDir() == null) {
            return 0;
        }
        Path dir = Path.of(info.getDockerRootDir());
        // In a container the engine's root directory may be mounted elsewhere or not at all: use what holds it here.
        while (dir != null && !Files.exists(dir)) {
            dir = dir.getParent();
        }
        if (dir == null) {
            return 0;
        }
        try {
            return Files.getFileStore(dir).getTotalSpace() / GIB;
        } catch (IOException e) {
            LOG.debug("cannot read the size of the filesystem holding {}", dir, e);
            return 0;
        }
    }

    private static int orZero(Integer n) {
        return n == null ? 0 : n;
    }
}
