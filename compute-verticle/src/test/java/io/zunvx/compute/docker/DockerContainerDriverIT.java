package io.zunvx.compute.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HealthCheck;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.zunvx.compute.driver.DockerEvent;
import io.zunvx.compute.driver.DriverException;
import io.zunvx.compute.driver.HostInfo;
import io.zunvx.compute.driver.LogOptions;
import io.zunvx.compute.driver.Observed;
import io.zunvx.model.Container;
import io.zunvx.model.Healthcheck;
import io.zunvx.model.RestartPolicy;
import io.zunvx.model.Status;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link DockerContainerDriver} against the real Docker engine of this machine, with the locally built
 * {@code busybox:latest}. Containers run with network {@code none}; nothing is pulled from outside the machine.
 */
class DockerContainerDriverIT {

    private static final String DOCKER_HOST =
            System.getenv().getOrDefault("DOCKER_HOST", "unix:///var/run/docker.sock");
    /** Marks every container a test creates, so that the test removes exactly its own. */
    private static final String TEST_LABEL = "zunvx.it";
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(50);

    private static DockerContainerDriver driver;
    /** An independent view of the engine, to check what the driver did. */
    private static DockerClient docker;

    private final String testId = UUID.randomUUID().toString();
    private final String host = "it-host-" + testId;
    private final List<String> networks = new ArrayList<>();

    @BeforeAll
    static void connect() {
        driver = new DockerContainerDriver(DOCKER_HOST);
        DockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(DOCKER_HOST)
                .build();
        docker = DockerClientImpl.getInstance(config, new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .connectionTimeout(Duration.ofSeconds(5))
                .responseTimeout(Duration.ofSeconds(60))
                .build());
    }

    @AfterAll
    static void disconnect() throws IOException {
        driver.close();
        docker.close();
    }

    @AfterEach
    void removeWhatThisTestCreated() {
        for (var c : docker.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(TEST_LABEL, testId)).exec()) {
            try {
                docker.removeContainerCmd(c.getId()).withForce(true).exec();
            } catch (NotFoundException alreadyGone) {
                // auto-removed meanwhile
            }
        }
        for (String network : networks) {
            try {
                docker.removeNetworkCmd(network).exec();
            } catch (NotFoundException alreadyGone) {
                // never created
            }
        }
    }

    // --------------------------------------------------------------------------------------------------- lifecycle

    @Test
    void echoContainerLeavesItsOutputInTheLogAndStopsWithExitCodeZero() {
        // GIVEN a container that prints one line
        String line = "hello-" + testId;
        String id = driver.create(container("echo", line).build(), host, "none");

        // WHEN it is started and has exited
        driver.start(id);
        Observed stopped = awaitStatus(id, Status.STOPPED);

        // THEN the log holds the line, and the container is Stopped with exit code 0
        assertTrue(driver.logs(id, LogOptions.ALL).contains(line + "\n"));
        assertEquals(0, stopped.exitCode());
        assertTrue(stopped.statusDetail().startsWith("Exited(0)"), stopped.statusDetail());
        assertNotNull(stopped.startedAt());
        assertNotNull(stopped.finishedAt());
        assertNull(stopped.error());
    }

    @Test
    void sleepingContainerWalksThroughStopStartPauseUnpauseAndKill() {
        // GIVEN a running long-lived container
        String id = driver.create(container("sleep", "300").build(), host, "none");
        driver.start(id);
        Observed running = awaitStatus(id, Status.RUNNING);
        assertTrue(running.statusDetail().startsWith("Up "), running.statusDetail());
        assertDoesNotThrow(() -> driver.start(id), "start of a running container");

        // WHEN stopped THEN Stopped, and stopping again is harmless
        driver.stop(id, 1);
        awaitStatus(id, Status.STOPPED);
        assertDoesNotThrow(() -> driver.stop(id, 1), "stop of a stopped container");

        // WHEN started again THEN Running
        driver.start(id);
        awaitStatus(id, Status.RUNNING);

        // WHEN paused THEN Paused, and pausing again is harmless
        driver.pause(id);
        Observed paused = awaitStatus(id, Status.PAUSED);
        assertEquals("Paused", paused.statusDetail());
        assertDoesNotThrow(() -> driver.pause(id), "pause of a paused container");

        // WHEN unpaused THEN Running, and unpausing again is harmless
        driver.unpause(id);
        awaitStatus(id, Status.RUNNING);
        assertDoesNotThrow(() -> driver.unpause(id), "unpause of a running container");

        // WHEN killed THEN Stopped with SIGKILL's exit code, and killing again is harmless
        driver.kill(id, null);
        Observed killed = awaitStatus(id, Status.STOPPED);
        assertEquals(137, killed.exitCode());
        assertDoesNotThrow(() -> driver.kill(id, "SIGTERM"), "kill of a stopped container");
    }

    @Test
    void restartRunsTheContainerAgain() {
        // GIVEN a running container
        String id = driver.create(container("sleep", "300").build(), host, "none");
        driver.start(id);
        Instant firstStart = awaitStatus(id, Status.RUNNING).startedAt();

        // WHEN restarted
        driver.restart(id, 1);

        // THEN it runs again, started anew
        Observed again = awaitStatus(id, Status.RUNNING);
        assertTrue(again.startedAt().isAfter(firstStart), again + " after " + firstStart);
    }

    @Test
    void failedStartLeavesTheContainerInError() {
        // GIVEN a container whose command does not exist
        String id = driver.create(container("/no/such/binary").build(), host, "none");

        // WHEN started
        DriverException e = assertThrows(DriverException.class, () -> driver.start(id));

        // THEN the failure names the cause, and the container reads as Error with Docker's text
        assertTrue(e.getMessage().contains("/no/such/binary"), e.getMessage());
        Observed failed = driver.inspect(id).orElseThrow();
        assertEquals(Status.ERROR, failed.status());
        assertNotNull(failed.error());
        assertEquals("Error", failed.statusDetail());
    }

    @Test
    void createIsIdempotentPerUuid() {
        // GIVEN a container spec
        Container c = container("sleep", "300").build();

        // WHEN created twice, as a re-delivered command would
        String first = driver.create(c, host, "none");
        String second = driver.create(c, host, "none");

        // THEN both calls return the same container, and Docker holds just that one
        assertEquals(first, second);
        var named = docker.listContainersCmd().withShowAll(true)
                .withNameFilter(List.of(c.dockerName())).exec();
        assertEquals(List.of(first), named.stream().map(com.github.dockerjava.api.model.Container::getId).toList());
    }

    @Test
    void createRefusesANameTakenByAContainerOfAnotherUuid() {
        // GIVEN a container squatting on the name without our uuid label
        Container c = container("sleep", "300").build();
        docker.createContainerCmd("busybox:latest")
                .withName(c.dockerName())
                .withLabels(Map.of(TEST_LABEL, testId))
                .withHostConfig(HostConfig.newHostConfig().withNetworkMode("none"))
                .exec();

        // WHEN the driver creates the container of that name
        DriverException e = assertThrows(DriverException.class, () -> driver.create(c, host, "none"));

        // THEN it is a conflict
        assertEquals(DriverException.Kind.CONFLICT, e.kind());
        assertFalse(e.retryable());
    }

    @Test
    void createPassesTheWholeSpecToDocker() {
        // GIVEN a spec using every setting the driver maps
        Container c = container("sleep 300")
                .labels(Map.of(TEST_LABEL, testId, "team", "blue"))
                .entrypoint(List.of("sh", "-c"))
                .memory(64)
                .cpu(0.5)
                .restartPolicy(new RestartPolicy("on-failure", 3))
                .healthcheck(new Healthcheck("true", 5, 2, 3))
                .hostname("it-hostname")
                .workdir("/tmp")
                .environment(Map.of("GREETING", "hello world"))
                .tty(true)
                .interactive(true)
                .exposedPorts(List.of("80/tcp", "53/udp"))
                .runtime("runc")
                .build();

        // WHEN created
        String id = driver.create(c, host, "none");

        // THEN Docker's own inspect shows every setting
        InspectContainerResponse r = docker.inspectContainerCmd(id).exec();
        assertEquals("/" + c.dockerName(), r.getName());
        Map<String, String> labels = r.getConfig().getLabels();
        assertEquals("blue", labels.get("team"));
        assertEquals(c.uuid().toString(), labels.get(Container.LABEL_UUID));
        assertEquals(host, labels.get(Container.LABEL_HOST));
        assertEquals("busybox:latest", r.getConfig().getImage());
        assertEquals(List.of("sh", "-c"), List.of(r.getConfig().getEntrypoint()));
        assertEquals(List.of("sleep 300"), List.of(r.getConfig().getCmd()));
        assertEquals(64L * 1024 * 1024, r.getHostConfig().getMemory());
        assertEquals(500_000_000L, r.getHostConfig().getNanoCPUs());
        assertEquals(512, r.getHostConfig().getCpuShares(), "int(1024 x cpu), as Zun sets it");
        assertEquals("on-failure", r.getHostConfig().getRestartPolicy().getName());
        assertEquals(3, r.getHostConfig().getRestartPolicy().getMaximumRetryCount());
        HealthCheck health = r.getConfig().getHealthcheck();
        assertEquals(List.of("CMD-SHELL", "true"), health.getTest());
        assertEquals(5_000_000_000L, health.getInterval());
        assertEquals(3_000_000_000L, health.getTimeout());
        assertEquals(2, health.getRetries());
        assertEquals("it-hostname", r.getConfig().getHostName());
        assertEquals("/tmp", r.getConfig().getWorkingDir());
        assertTrue(List.of(r.getConfig().getEnv()).contains("GREETING=hello world"));
        assertTrue(r.getConfig().getTty());
        assertTrue(r.getConfig().getStdinOpen());
        assertTrue(r.getConfig().getAttachStdin());
        assertEquals(List.of(ExposedPort.tcp(80), ExposedPort.udp(53)).stream().sorted(
                        java.util.Comparator.comparing(ExposedPort::toString)).toList(),
                List.of(r.getConfig().getExposedPorts()).stream().sorted(
                        java.util.Comparator.comparing(ExposedPort::toString)).toList());
        assertEquals("runc", r.getHostConfig().getRuntime());
        assertEquals("none", r.getHostConfig().getNetworkMode());
        assertFalse(r.getHostConfig().getAutoRemove());
        assertFalse(r.getHostConfig().getPrivileged());
    }

    @Test
    void autoRemovedContainerDisappearsAfterItExits() {
        // GIVEN a container created with auto-remove
        String id = driver.create(container("true").autoRemove(true).build(), host, "none");
        assertTrue(docker.inspectContainerCmd(id).exec().getHostConfig().getAutoRemove());

        // WHEN it runs to its end
        driver.start(id);

        // THEN Docker removes it
        eventually(() -> "auto-removal of " + id, () -> driver.inspect(id).isEmpty() ? Optional.of(true) : Optional.empty());
    }

    @Test
    void healthcheckResultIsObserved() {
        // GIVEN a running container with a passing healthcheck every second (given a minute to answer, so a busy
        // machine does not fail it)
        String id = driver.create(container("sleep", "300")
                .healthcheck(new Healthcheck("true", 1, 1, 60)).build(), host, "none");
        driver.start(id);

        // WHEN the first check has run
        // THEN inspect reports it healthy
        eventually(() -> id + " healthy", () -> driver.inspect(id).filter(o -> "healthy".equals(o.health())));
    }

    // -------------------------------------------------------------------------------------------------------- logs

    @Test
    void logsSelectStreamsAndTailAndDecodeUtf8() {
        // GIVEN an exited container that wrote to both streams, with multi-byte characters
        String id = driver.create(container("sh", "-c",
                "echo out-1; echo grüße ✓; echo err-1 >&2; echo out-2").build(), host, "none");
        driver.start(id);
        awaitStatus(id, Status.STOPPED);

        // WHEN the log is read in several ways
        String all = driver.logs(id, LogOptions.ALL);
        String stdoutOnly = driver.logs(id, new LogOptions(true, false, false, "all", null));
        String lastLine = driver.logs(id, new LogOptions(true, true, false, "1", null));
        String stderrOnly = driver.logs(id, new LogOptions(false, true, false, "all", null));
        String stamped = driver.logs(id, new LogOptions(true, true, true, "all", null));
        String future = driver.logs(id, new LogOptions(true, true, false, "all",
                Instant.now().plusSeconds(3600).getEpochSecond()));

        // THEN each answer holds what was asked for, each stream in order (Docker copies the two streams into
        // its log concurrently, so their interleaving is not fixed)
        assertEquals(List.of("err-1", "grüße ✓", "out-1", "out-2"), all.lines().sorted().toList());
        assertTrue(all.endsWith("\n"));
        assertEquals("out-1\ngrüße ✓\nout-2\n", stdoutOnly);
        assertEquals("err-1\n", stderrOnly);
        assertEquals(all.lines().reduce((first, second) -> second).orElseThrow() + "\n", lastLine);
        assertTrue(stamped.lines().allMatch(l -> l.matches("\\d{4}-\\d\\d-\\d\\dT\\S+ .*")), stamped);
        assertEquals("", future);
    }

    @Test
    void logsOfATtyContainerAreItsRawOutput() {
        // GIVEN an exited container that had a terminal
        String id = driver.create(container("echo", "tty-" + testId).tty(true).build(), host, "none");
        driver.start(id);
        awaitStatus(id, Status.STOPPED);

        // WHEN its log is read
        String log = driver.logs(id, LogOptions.ALL);

        // THEN it holds the line (a terminal ends lines with CR LF)
        assertEquals("tty-" + testId + "\r\n", log);
    }

    @Test
    void logsOfAMissingContainerAreNotFound() {
        // GIVEN no such container WHEN its logs are read THEN NOT_FOUND
        DriverException e = assertThrows(DriverException.class,
                () -> driver.logs("zunvx-it-missing-" + testId, LogOptions.ALL));
        assertEquals(DriverException.Kind.NOT_FOUND, e.kind());
    }

    // ------------------------------------------------------------------------------------------------------ events

    @Test
    void eventStreamReportsDieWithTheUuidAndOnlyForItsHost() throws Exception {
        // GIVEN a subscription to this host's events
        BlockingQueue<DockerEvent> events = new LinkedBlockingQueue<>();
        AtomicReference<Throwable> streamFailure = new AtomicReference<>();
        AutoCloseable subscription = driver.events(host, events::add, streamFailure::set);
        try {
            // AND a container of another host that has already exited
            String foreign = driver.create(container("true").build(), host + "-other", "none");
            driver.start(foreign);
            awaitStatus(foreign, Status.STOPPED);

            // WHEN a container of this host exits
            Container c = container("sh", "-c", "exit 3").build();
            String id = driver.create(c, host, "none");
            driver.start(id);

            // THEN its die event arrives with its uuid, and nothing of the other host came before it
            List<DockerEvent> seen = new ArrayList<>();
            DockerEvent die = awaitEvent(events, seen, e -> e.containerId().equals(id) && e.action().equals("die"));
            assertEquals(c.uuid().toString(), die.uuid());
            assertTrue(Duration.between(die.time(), Instant.now()).abs().compareTo(Duration.ofMinutes(1)) < 0);
            assertTrue(seen.stream().noneMatch(e -> e.containerId().equals(foreign)), seen.toString());
            assertTrue(seen.stream().anyMatch(e -> e.containerId().equals(id) && e.action().equals("create")));
        } finally {
            subscription.close();
        }
        assertNull(streamFailure.get(), "closing the stream is not a failure");
    }

    @Test
    void closedEventStreamDeliversNothingMore() throws Exception {
        // GIVEN a subscription that is closed
        BlockingQueue<DockerEvent> events = new LinkedBlockingQueue<>();
        AtomicReference<Throwable> streamFailure = new AtomicReference<>();
        driver.events(host, events::add, streamFailure::set).close();

        // WHEN a container of this host is created, while a second subscription is open
        BlockingQueue<DockerEvent> witness = new LinkedBlockingQueue<>();
        AutoCloseable second = driver.events(host, witness::add, t -> { });
        try {
            String id = driver.create(container("true").build(), host, "none");
            awaitEvent(witness, new ArrayList<>(), e -> e.containerId().equals(id));
        } finally {
            second.close();
        }

        // THEN the closed subscription saw nothing and reported no failure
        assertTrue(events.isEmpty(), events.toString());
        assertNull(streamFailure.get());
    }

    // -------------------------------------------------------------------------------------------- list and inspect

    @Test
    void listManagedFindsOnlyTheContainersOfTheGivenHost() {
        // GIVEN one container of this host and one of another
        Container mine = container("true").build();
        String mineId = driver.create(mine, host, "none");
        driver.create(container("true").build(), host + "-other", "none");

        // WHEN this host's containers are listed
        List<Observed> listed = driver.listManaged(host);

        // THEN only this host's container is there, as created
        assertEquals(List.of(mineId), listed.stream().map(Observed::id).toList());
        Observed o = listed.get(0);
        assertEquals(mine.uuid().toString(), o.uuid());
        assertEquals(mine.dockerName(), o.name());
        assertEquals(Status.CREATED, o.status());
        assertEquals("Created", o.statusDetail());
        assertNull(o.exitCode());
        assertNull(o.startedAt());
    }

    @Test
    void inspectOfAMissingContainerIsEmpty() {
        // GIVEN no such container WHEN inspected THEN empty
        assertEquals(Optional.empty(), driver.inspect("zunvx-it-missing-" + testId));
    }

    @Test
    void removeIsIdempotentAndForceRemovesARunningContainer() {
        // GIVEN a running container
        String id = driver.create(container("sleep", "300").build(), host, "none");
        driver.start(id);
        awaitStatus(id, Status.RUNNING);

        // WHEN removed without force THEN conflict, it still exists
        DriverException e = assertThrows(DriverException.class, () -> driver.remove(id, false));
        assertEquals(DriverException.Kind.CONFLICT, e.kind());
        assertTrue(driver.inspect(id).isPresent());

        // WHEN removed with force THEN it is gone, and removing it again is harmless
        driver.remove(id, true);
        assertTrue(driver.inspect(id).isEmpty());
        assertDoesNotThrow(() -> driver.remove(id, true));
        assertDoesNotThrow(() -> driver.remove("zunvx-it-missing-" + testId, false));
    }

    @Test
    void operationsOnAMissingContainerAreNotFound() {
        // GIVEN no such container WHEN started or stopped THEN NOT_FOUND, not retryable
        String missing = "zunvx-it-missing-" + testId;
        for (Runnable op : List.<Runnable>of(() -> driver.start(missing), () -> driver.stop(missing, 1),
                () -> driver.pause(missing))) {
            DriverException e = assertThrows(DriverException.class, op::run);
            assertEquals(DriverException.Kind.NOT_FOUND, e.kind());
            assertFalse(e.retryable());
            assertTrue(e.getMessage().contains(missing), e.getMessage());
        }
    }

    // ------------------------------------------------------------------------------------------------------ images

    @Test
    void pullPolicyNeverWithAMissingImageFailsClearly() {
        // GIVEN an image that is not on this machine
        String image = "zunvx-it-missing-" + testId + ":1.0";

        // WHEN ensured with pull policy never
        DriverException e = assertThrows(DriverException.class,
                () -> driver.ensureImage(container("true").image(image).imagePullPolicy("never").build()));

        // THEN the failure says so
        assertEquals("Image " + image + " not present with pull policy of Never", e.getMessage());
        assertEquals(DriverException.Kind.NOT_FOUND, e.kind());
        assertFalse(e.retryable());
    }

    @Test
    void presentImageNeedsNoPull() {
        // GIVEN busybox, present locally and unreachable in any registry from here
        // WHEN ensured without a tag under policies never, ifnotpresent and the default
        // THEN nothing fails, which it would if a pull were attempted
        for (String policy : new String[] {"never", "ifnotpresent", "IfNotPresent", null}) {
            assertDoesNotThrow(() -> driver.ensureImage(container("true").imagePullPolicy(policy).build()), policy);
        }
    }

    @Test
    void failedPullCarriesTheRegistrysMessage() throws IOException {
        // GIVEN a registry address on this machine where nothing listens
        int port = freePort();
        String image = "127.0.0.1:" + port + "/zunvx-it/missing:1";

        // WHEN the image is pulled
        DriverException e = assertThrows(DriverException.class,
                () -> driver.ensureImage(container("true").image(image).imagePullPolicy("always").build()));

        // THEN the failure carries what the engine met
        assertTrue(e.getMessage().contains("127.0.0.1:" + port), e.getMessage());
        assertTrue(e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("refused"), e.getMessage());
    }

    // ------------------------------------------------------------------------------------------- host and network

    @Test
    void infoDescribesTheHost() {
        // GIVEN the engine of this machine WHEN asked for host info
        HostInfo info = driver.info();

        // THEN it reports resources and runtimes
        assertTrue(info.cpus() > 0, info.toString());
        assertTrue(info.memTotalMiB() > 0, info.toString());
        assertTrue(info.diskTotalGb() > 0, info.toString());
        assertTrue(info.runtimes().contains("runc"), info.toString());
        assertEquals("runc", info.defaultRuntime());
        assertEquals("linux", info.osType());
        assertNotNull(info.kernelVersion());
        assertTrue(info.total() >= info.running() + info.paused());
    }

    @Test
    void unreachableEngineIsUnavailableAndRetryable() throws IOException {
        // GIVEN drivers pointing at a socket and a TCP port where no engine listens
        List<String> nowhere = List.of("unix:///tmp/zunvx-it-" + testId + ".sock", "tcp://127.0.0.1:" + freePort());
        for (String address : nowhere) {
            try (DockerContainerDriver unreachable = new DockerContainerDriver(address)) {
                // WHEN called THEN the failure is UNAVAILABLE and retryable
                DriverException e = assertThrows(DriverException.class, unreachable::info, address);
                assertEquals(DriverException.Kind.UNAVAILABLE, e.kind(), address + ": " + e);
                assertTrue(e.retryable());
                DriverException streamFailure = assertThrows(DriverException.class,
                        () -> unreachable.events(host, ev -> { }, t -> { }), address);
                assertEquals(DriverException.Kind.UNAVAILABLE, streamFailure.kind(), address + ": " + streamFailure);
            }
        }
    }

    @Test
    void ensureNetworkCreatesAUserDefinedBridgeOnce() {
        // GIVEN a network name that does not exist
        String name = "zunvx-it-" + testId.substring(0, 8);
        networks.add(name);

        // WHEN ensured twice
        driver.ensureNetwork(name);
        String firstId = docker.inspectNetworkCmd().withNetworkId(name).exec().getId();
        driver.ensureNetwork(name);

        // THEN there is one bridge network of that name
        Network n = docker.inspectNetworkCmd().withNetworkId(name).exec();
        assertEquals("bridge", n.getDriver());
        assertEquals(firstId, n.getId());
        assertEquals(1, docker.listNetworksCmd().exec().stream().filter(x -> name.equals(x.getName())).count());
    }

    @Test
    void ensureNetworkLeavesBuiltInModesAlone() {
        // GIVEN the built-in modes WHEN ensured THEN nothing fails and no network named like them appears
        long before = docker.listNetworksCmd().exec().size();
        for (String mode : List.of("none", "host", "bridge")) {
            assertDoesNotThrow(() -> driver.ensureNetwork(mode), mode);
        }
        assertEquals(before, docker.listNetworksCmd().exec().size());
    }

    // ----------------------------------------------------------------------------------------------------- helpers

    private Container.Builder container(String... command) {
        return Container.builder()
                .uuid(UUID.randomUUID())
                .name("it")
                .projectId("it-project")
                .image("busybox")
                .imagePullPolicy("never")
                .command(List.of(command))
                .labels(Map.of(TEST_LABEL, testId));
    }

    private static Observed awaitStatus(String id, Status status) {
        AtomicReference<Observed> last = new AtomicReference<>();
        return eventually(() -> id + " to be " + status + " (last seen: " + last.get() + ")", () -> {
            Optional<Observed> o = driver.inspect(id);
            o.ifPresent(last::set);
            return o.filter(x -> x.status() == status);
        });
    }

    /** Polls {@code probe} until it yields a value or the deadline passes. */
    private static <T> T eventually(Supplier<String> what, Supplier<Optional<T>> probe) {
        Instant deadline = Instant.now().plus(DEADLINE);
        while (true) {
            Optional<T> value = probe.get();
            if (value.isPresent()) {
                return value.get();
            }
            if (Instant.now().isAfter(deadline)) {
                return fail("timed out after " + DEADLINE + " waiting for " + what.get());
            }
            LockSupport.parkNanos(POLL_INTERVAL.toNanos());
        }
    }

    private static DockerEvent awaitEvent(BlockingQueue<DockerEvent> events, List<DockerEvent> seen,
                                          Predicate<DockerEvent> wanted) throws InterruptedException {
        Instant deadline = Instant.now().plus(DEADLINE);
        while (true) {
            long left = Duration.between(Instant.now(), deadline).toMillis();
            DockerEvent e = left > 0 ? events.poll(left, TimeUnit.MILLISECONDS) : null;
            if (e == null) {
                return fail("timed out after " + DEADLINE + " waiting for an event; seen: " + seen);
            }
            seen.add(e);
            if (wanted.test(e)) {
                return e;
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
