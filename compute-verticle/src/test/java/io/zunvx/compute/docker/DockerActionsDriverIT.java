package io.zunvx.compute.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.zunvx.compute.driver.Archive;
import io.zunvx.compute.driver.DriverException;
import io.zunvx.compute.driver.ExecResult;
import io.zunvx.compute.driver.NetworkAttachment;
import io.zunvx.compute.driver.ProcessList;
import io.zunvx.compute.driver.ResourceUsage;
import io.zunvx.model.Container;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The action methods of {@link DockerContainerDriver} (exec, terminals, top, stats, archives, update, commit,
 * networks) against the real Docker engine of this machine, with the local {@code busybox:latest}; network
 * {@code none} unless a test makes its own bridge.
 */
class DockerActionsDriverIT {
    private static final String DOCKER_HOST =
            System.getenv().getOrDefault("DOCKER_HOST", "unix:///var/run/docker.sock");
    private static final String TEST_LABEL = "zunvx.it";
    private static final long MIB = 1024L * 1024;
    /** Time a short command gets to run: it must not depend on how busy the machine is. */
    private static final Duration COMMAND_TIME = Duration.ofMinutes(1);

    private static DockerContainerDriver driver;
    private static DockerClient docker;

    private final String testId = UUID.randomUUID().toString();
    private final String host = "it-host-" + testId;
    private final List<String> images = new ArrayList<>();
    private final List<String> networks = new ArrayList<>();

    @BeforeAll
    static void connect() {
        driver = new DockerContainerDriver(DOCKER_HOST);
        DockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(DOCKER_HOST).build();
        docker = DockerClientImpl.getInstance(config, new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost()).responseTimeout(Duration.ofSeconds(60)).build());
    }

    @AfterAll
    static void disconnect() throws IOException {
        driver.close();
        docker.close();
    }

    @AfterEach
    void removeWhatThisTestCreated() {
        for (var c : docker.listContainersCmd().withShowAll(true).withLabelFilter(Map.of(TEST_LABEL, testId)).exec()) {
            try {
                docker.removeContainerCmd(c.getId()).withForce(true).exec();
            } catch (NotFoundException alreadyGone) {
                // removed meanwhile
            }
        }
        for (String image : images) {
            try {
                docker.removeImageCmd(image).withForce(true).exec();
            } catch (NotFoundException alreadyGone) {
                // never made
            }
        }
        for (String network : networks) {
            try {
                docker.removeNetworkCmd(network).exec();
            } catch (NotFoundException alreadyGone) {
                // never made
            }
        }
    }

    private String running(String network) {
        return running(network, false);
    }

    private String running(String network, boolean tty) {
        Container c = Container.builder().uuid(UUID.randomUUID()).name("it").projectId("it-project").image("busybox")
                .imagePullPolicy("never").command(List.of("sleep", "3600")).memory(32).cpu(0.1)
                .interactive(tty).tty(tty).labels(Map.of(TEST_LABEL, testId)).build();
        String id = driver.create(c, host, network);
        driver.start(id);
        return id;
    }

    // ---- exec -----------------------------------------------------------------------------------------------------

    @Test
    void execRunCollectsBothStreamsAndTheExitCode() {
        String id = running("none");
        ExecResult r = driver.execRun(id, List.of("sh", "-c", "echo out; echo err >&2; exit 4"), COMMAND_TIME);
        assertEquals(4, r.exitCode());
        assertTrue(r.output().contains("out\n") && r.output().contains("err\n"), r.output());
    }

    @Test
    void execRunThatOutlivesItsTimeIsATimeout() {
        String id = running("none");
        DriverException e = assertThrows(DriverException.class,
                () -> driver.execRun(id, List.of("sleep", "3600"), Duration.ofMillis(500)));
        assertEquals(DriverException.Kind.TIMEOUT, e.kind());
    }

    @Test
    void execCreateMakesAnUnstartedInstanceWhoseTerminalResizeChecksTheContainer() {
        String id = running("none");
        String other = running("none");
        String exec = driver.execCreate(id, List.of("sh"), true);
        assertTrue(exec.matches("[0-9a-f]{64}"), exec);
        var inspected = docker.inspectExecCmd(exec).exec();
        assertEquals(Boolean.FALSE, inspected.isRunning());
        assertEquals(Boolean.TRUE, inspected.isOpenStdin());

        driver.execResize(id, exec, 40, 120);
        assertEquals(DriverException.Kind.NOT_FOUND, assertThrows(DriverException.class,
                () -> driver.execResize(other, exec, 40, 120)).kind());
        assertEquals(DriverException.Kind.NOT_FOUND, assertThrows(DriverException.class,
                () -> driver.execResize(id, "0".repeat(64), 40, 120)).kind());
    }

    @Test
    void resizeOfAContainerTerminal() {
        // GIVEN a container with a terminal
        String id = running("none", true);

        // WHEN its terminal is resized, twice
        driver.resize(id, 24, 80);
        String first = terminalSize(id);
        driver.resize(id, 43, 132);

        // THEN the terminal of its main process has each size in turn (rows, then columns)
        assertEquals("24 80\n", first);
        assertEquals("43 132\n", terminalSize(id));
    }

    /** {@code stty size} of the container's own terminal, the one its main process holds. */
    private String terminalSize(String id) {
        ExecResult r = driver.execRun(id, List.of("stty", "-F", "/dev/console", "size"), COMMAND_TIME);
        assertEquals(0, r.exitCode(), r.output());
        return r.output();
    }

    // ---- top and stats --------------------------------------------------------------------------------------------

    @Test
    void topListsProcessesWithDefaultOrGivenPsArguments() {
        String id = running("none");
        ProcessList def = driver.top(id, null);
        assertTrue(def.titles().contains("PID"), def.toString());
        assertEquals(1, def.processes().size(), def.toString());
        assertTrue(driver.top(id, "aux").titles().contains("USER"));
        assertEquals(DriverException.Kind.BAD_REQUEST, assertThrows(DriverException.class,
                () -> driver.top(id, "--bogus-option")).kind());
    }

    @Test
    void statsSampleTheContainersCounters() {
        String id = running("none");
        ResourceUsage u = driver.stats(id);
        assertEquals(32 * MIB, u.memoryLimitBytes());
        assertTrue(u.memoryUsageBytes() > 0, u.toString());
        assertTrue(u.systemCpuNanos() > 0, u.toString());
        assertEquals(0, u.netRxBytes());
    }

    // ---- archives -------------------------------------------------------------------------------------------------

    @Test
    void anArchivePutIsReadBackWithItsStat() {
        String id = running("none");
        driver.putArchive(id, "/tmp", tar("note.txt", "written by the driver\n"));

        Archive a = driver.getArchive(id, "/tmp/note.txt", 1024 * 1024);
        assertEquals("note.txt", a.stat().name());
        assertEquals(22, a.stat().size());
        assertEquals(0644, a.stat().mode() & 0777);
        assertTrue(new String(a.tar(), StandardCharsets.ISO_8859_1).contains("written by the driver\n"));
        assertEquals("written by the driver\n",
                driver.execRun(id, List.of("cat", "/tmp/note.txt"), COMMAND_TIME).output());

        Archive dir = driver.getArchive(id, "/tmp", 1024 * 1024);
        assertTrue((dir.stat().mode() & (1L << 31)) != 0, "a directory's mode has Go's ModeDir bit");
    }

    @Test
    void archivesOfMissingPathsAndOversizedOnesAreRefused() {
        String id = running("none");
        assertEquals(DriverException.Kind.NOT_FOUND, assertThrows(DriverException.class,
                () -> driver.getArchive(id, "/no/such/file", 1024)).kind());
        assertEquals(DriverException.Kind.NOT_FOUND, assertThrows(DriverException.class,
                () -> driver.putArchive(id, "/no/such/dir", tar("x", "y"))).kind());
        assertEquals(DriverException.Kind.BAD_REQUEST, assertThrows(DriverException.class,
                () -> driver.getArchive(id, "/bin", 1024)).kind());
    }

    // ---- update, commit, networks ---------------------------------------------------------------------------------

    @Test
    void updateChangesLimitsOfARunningContainer() {
        String id = running("none");
        driver.update(id, 0.5, 64);
        InspectContainerResponse r = docker.inspectContainerCmd(id).exec();
        assertEquals(64 * MIB, r.getHostConfig().getMemory());
        assertEquals(500_000_000L, r.getHostConfig().getNanoCPUs());
        assertTrue(r.getState().getRunning());
        driver.update(id, null, 16);
        assertEquals(16 * MIB, docker.inspectContainerCmd(id).exec().getHostConfig().getMemory());
        assertEquals(500_000_000L, docker.inspectContainerCmd(id).exec().getHostConfig().getNanoCPUs());
    }

    @Test
    void commitMakesALocalImageWithTheGivenLabels() {
        String id = running("none");
        String repository = "zunvx-it/driver-" + testId.substring(0, 8);
        images.add(repository + ":snap");
        String imageId = driver.commit(id, repository, "snap", Map.of("zunvx.image.uuid", testId, TEST_LABEL, ""));
        assertTrue(imageId.startsWith("sha256:"), imageId);
        var image = docker.inspectImageCmd(repository + ":snap").exec();
        assertEquals(imageId, image.getId());
        assertEquals(testId, image.getConfig().getLabels().get("zunvx.image.uuid"));
        assertEquals("", image.getConfig().getLabels().get(TEST_LABEL));
    }

    @Test
    void networksListsUserNetworksButNotModeNone() {
        assertEquals(List.of(), driver.networks(running("none")));

        String network = "zunvx-it-" + testId.substring(0, 8);
        networks.add(network);
        driver.ensureNetwork(network);
        List<NetworkAttachment> attached = driver.networks(running(network));
        assertEquals(1, attached.size(), attached.toString());
        NetworkAttachment n = attached.getFirst();
        assertEquals(network, n.name());
        assertNotNull(n.networkId());
        assertNotNull(n.endpointId());
        assertNotNull(n.ipv4());
        assertNull(n.ipv6());
    }

    /** A one-file ustar archive. */
    private static byte[] tar(String name, String content) {
        byte[] data = content.getBytes(StandardCharsets.UTF_8);
        byte[] header = new byte[512];
        put(header, 0, name);
        put(header, 100, "0000644");
        put(header, 108, "0000000");
        put(header, 116, "0000000");
        put(header, 124, String.format("%011o", data.length));
        put(header, 136, String.format("%011o", 1_700_000_000L));
        for (int i = 148; i < 156; i++) {
            header[i] = ' ';
        }
        header[156] = '0';
        put(header, 257, "ustar");
        put(header, 263, "00");
        long sum = 0;
        for (byte b : header) {
            sum += b & 0xff;
        }
        put(header, 148, String.format("%06o", sum));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(header);
        out.writeBytes(data);
        out.writeBytes(new byte[(512 - data.length % 512) % 512]);
        out.writeBytes(new byte[1024]);
        return out.toByteArray();
    }

    private static void put(byte[] header, int offset, String value) {
        byte[] b = value.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, header, offset, b.length);
    }
}
