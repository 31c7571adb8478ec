package io.zunvx.compute.docker;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.zunvx.compute.RegistryFixture;
import io.zunvx.compute.LocalRegistry;
import io.zunvx.compute.TestImages;
import io.zunvx.compute.TestImages.Unique;
import io.zunvx.compute.driver.DriverException;
import io.zunvx.compute.driver.LocalImage;
import io.zunvx.compute.driver.RegistryAuth;
import io.zunvx.platform.image.BlobStore;
import io.zunvx.platform.image.DockerArchive;
import io.zunvx.platform.image.FilesystemBlobStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The image side of {@link DockerContainerDriver} against the real engine and a real registry on 127.0.0.1
 * ({@link LocalRegistry}, behind htpasswd authentication) holding the locally built busybox under unique tags.
 * Stored images come from a {@link FilesystemBlobStore} holding {@code docker save} archives of images made for the
 * test. Everything a test pulls or creates is removed by name afterwards, so the engine keeps only what it had.
 */
class DockerImagesIT {

    private static final String DOCKER_HOST =
            System.getenv().getOrDefault("DOCKER_HOST", "unix:///var/run/docker.sock");
    private static final String REPOSITORY = "zunvx/busybox";
    private static final String USER = "zunvx-it";
    private static final String PASSWORD = "s3cret-" + UUID.randomUUID();
    private static final String HOST = "it-images";

    @TempDir
    static Path dir;
    private static RegistryFixture bench;
    private static DockerContainerDriver driver;
    private static SimpleMeterRegistry meters;
    private static FilesystemBlobStore blobs;

    @BeforeAll
    static void start() {
        bench = RegistryFixture.start(DOCKER_HOST, dir.resolve("registry"), USER, PASSWORD);
        driver = new DockerContainerDriver(DOCKER_HOST);
        blobs = new FilesystemBlobStore(dir.resolve("store"));
        meters = new SimpleMeterRegistry();
        driver.countImageTransfers(meters, HOST);
    }

    @AfterAll
    static void stop() throws IOException {
        if (driver != null) {
            driver.close();
        }
        if (bench != null) {
            bench.close();
        }
    }

    @AfterEach
    void removeWhatThisTestCreated() {
        bench.removeMade();
    }

    // ------------------------------------------------------------------------------------------------ registry pulls

    @Test
    void pullWithTheRegistrysCredentialsSucceeds() {
        // GIVEN busybox in the private registry under a new tag
        String ref = pushed();

        // WHEN pulled with the registry's credentials
        LocalImage image = driver.ensureImage(ref, "always", auth());

        // THEN the engine has it: the same image as busybox, with its size
        assertEquals(bench.busyboxId(), image.id());
        assertTrue(image.size() > 0, image.toString());
        assertTrue(image.repoTags().contains(ref), image.toString());
    }

    @Test
    void pullWithoutCredentialsFailsWithTheRegistrysReason() {
        // GIVEN busybox in the private registry
        String ref = pushed();

        // WHEN pulled without credentials, and with a wrong password
        DriverException anonymous = assertThrows(DriverException.class,
                () -> driver.ensureImage(ref, "always", null));
        DriverException wrong = assertThrows(DriverException.class,
                () -> driver.ensureImage(ref, "always", new RegistryAuth(bench.registry().address(), USER, "wrong")));

        // THEN both fail for good, saying that the registry wants (other) credentials, and nothing was pulled
        for (DriverException e : List.of(anonymous, wrong)) {
            String m = e.getMessage().toLowerCase(Locale.ROOT);
            assertTrue(m.startsWith("pull of " + ref.toLowerCase(Locale.ROOT) + " failed: "), e.getMessage());
            assertTrue(m.contains("unauthorized") || m.contains("no basic auth credentials"), e.getMessage());
            assertFalse(e.retryable(), e.toString());
        }
        assertTrue(wrong.getMessage().contains("unauthorized: authentication required"), wrong.getMessage());
        assertTrue(driver.inspectImage(ref).isEmpty());
    }

    @Test
    void pullOfAMissingTagCarriesTheRegistrysReason() {
        // GIVEN a tag nobody pushed
        String ref = bench.registry().address() + "/" + REPOSITORY + ":missing-" + UUID.randomUUID();

        // WHEN pulled with good credentials THEN the registry's "manifest unknown" is the reason
        DriverException e = assertThrows(DriverException.class, () -> driver.ensureImage(ref, "always", auth()));
        assertTrue(e.getMessage().contains("manifest unknown"), e.getMessage());
        assertEquals(DriverException.Kind.NOT_FOUND, e.kind(), e.toString());
    }

    @Test
    void pullPoliciesDecideWhetherTheRegistryIsAsked() {
        // GIVEN busybox in the registry under a new tag, not on the host
        String ref = pushed();
        String tag = ref.substring(ref.lastIndexOf(':') + 1);

        // WHEN ensured with policy never THEN it is missing, and nothing was asked of the registry
        long pulls = pulls();
        DriverException never = assertThrows(DriverException.class, () -> driver.ensureImage(ref, "never", auth()));
        assertEquals(DriverException.Kind.NOT_FOUND, never.kind());
        assertEquals("Image " + ref + " not present with pull policy of Never", never.getMessage());
        assertEquals(0, bench.registry().manifestFetches(REPOSITORY, tag));

        // WHEN ensured with ifnotpresent THEN it is pulled once; a second ifnotpresent and a never find it there
        driver.ensureImage(ref, "IfNotPresent", auth());
        assertEquals(pulls + 1, pulls());
        assertEquals(1, bench.registry().manifestFetches(REPOSITORY, tag));
        assertEquals(bench.busyboxId(), driver.ensureImage(ref, "ifnotpresent", auth()).id());
        assertEquals(bench.busyboxId(), driver.ensureImage(ref, "never", null).id());
        assertEquals(bench.busyboxId(), driver.ensureImage(ref, null, null).id());
        assertEquals(pulls + 1, pulls());
        assertEquals(1, bench.registry().manifestFetches(REPOSITORY, tag));

        // WHEN ensured with always THEN the registry is asked again although the image is present
        driver.ensureImage(ref, "Always", auth());
        assertEquals(pulls + 2, pulls());
        assertEquals(2, bench.registry().manifestFetches(REPOSITORY, tag));

        // AND an unknown policy is refused
        DriverException bad = assertThrows(DriverException.class, () -> driver.ensureImage(ref, "sometimes", null));
        assertEquals(DriverException.Kind.BAD_REQUEST, bad.kind());
    }

    @Test
    void twentyConcurrentRequestsForANewImageCauseOnePull() throws Exception {
        // GIVEN a new image in the registry
        String ref = pushed();
        String tag = ref.substring(ref.lastIndexOf(':') + 1);
        long pulls = pulls();

        // WHEN 20 callers ensure it at the same moment (as 20 containers created at once would)
        CountDownLatch go = new CountDownLatch(1);
        List<Future<LocalImage>> results = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 20; i++) {
                results.add(threads.submit(() -> {
                    go.await();
                    return driver.ensureImage(ref, "ifnotpresent", auth());
                }));
            }
            go.countDown();
            for (Future<LocalImage> r : results) {
                // THEN every one of them has the image
                assertEquals(bench.busyboxId(), r.get(2, TimeUnit.MINUTES).id());
            }
        }

        // AND the engine was asked for one pull, and the registry served the manifest once
        assertEquals(pulls + 1, pulls());
        assertEquals(1, bench.registry().manifestFetches(REPOSITORY, tag), bench.registry().requests().toString());
    }

    @Test
    void concurrentPullsWithDifferentCredentialsAreNotShared() throws Exception {
        // GIVEN a new image in the registry
        String ref = pushed();

        // WHEN an anonymous and an authenticated caller pull it at the same moment
        CountDownLatch go = new CountDownLatch(1);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<LocalImage> withAuth = threads.submit(() -> {
                go.await();
                return driver.ensureImage(ref, "always", auth());
            });
            Future<LocalImage> anonymous = threads.submit(() -> {
                go.await();
                return driver.ensureImage(ref, "always", null);
            });
            go.countDown();

            // THEN the authenticated one succeeds and the anonymous one fails: no one borrows another's login
            assertEquals(bench.busyboxId(), withAuth.get(2, TimeUnit.MINUTES).id());
            var failure = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> anonymous.get(2, TimeUnit.MINUTES));
            assertTrue(failure.getCause() instanceof DriverException, failure.toString());
        }
    }

    // ------------------------------------------------------------------------------------------- remove and save

    @Test
    void removeImageRemovesTheNameAndIsIdempotent() {
        // GIVEN a pulled image
        String ref = pushed();
        driver.ensureImage(ref, "always", auth());
        assertTrue(driver.inspectImage(ref).isPresent());

        // WHEN removed twice THEN it is gone and the second removal is no error; busybox stays
        driver.removeImage(ref, false);
        driver.removeImage(ref, false);
        assertTrue(driver.inspectImage(ref).isEmpty());
        assertNotNull(driver.inspectImage("busybox:latest").orElse(null));
    }

    @Test
    void savingAMissingImageIsNotFound() {
        DriverException e = assertThrows(DriverException.class,
                () -> driver.saveImage("zunvx-it-missing-" + UUID.randomUUID() + ":1").readAllBytes());
        assertEquals(DriverException.Kind.NOT_FOUND, e.kind(), e.toString());
    }

    // ------------------------------------------------------------------------------------------------ store loads

    @Test
    void storedArchiveLoadsIntoTheEngineOnceAndRunsUnderItsNewName() throws Exception {
        // GIVEN an image of its own (busybox plus a file), saved into a filesystem blob store, and gone from the engine
        Unique image = uniqueImage("stored-" + UUID.randomUUID());
        BlobStore.Written blob;
        try (var archive = driver.saveImage(image.reference())) {
            blob = blobs.write("it", archive, 1L << 30);
        }
        DockerArchive.Checked checked;
        try (var back = blobs.open(blob.location())) {
            checked = DockerArchive.check(back);
        }
        assertEquals(image.id(), checked.imageId());
        driver.removeImage(image.reference(), false);
        assertTrue(driver.inspectImage(image.id()).isEmpty());

        // WHEN loaded under a new name, twice
        String name = "zunvx-it/loaded-" + UUID.randomUUID();
        bench.made(name + ":latest");
        bench.made(image.reference());
        long loads = loads();
        LocalImage loaded = driver.loadImage(image.id(), name, false, () -> blobs.open(blob.location()));
        LocalImage again = driver.loadImage(image.id(), name, false, () -> {
            throw new AssertionError("a present image is not loaded again");
        });

        // THEN the engine has the image under that name (with :latest), loaded once
        assertEquals(image.id(), loaded.id());
        assertTrue(loaded.repoTags().contains(name + ":latest"), loaded.toString());
        assertEquals(loaded.id(), again.id());
        assertEquals(loads + 1, loads());

        // AND a container made from the name runs the stored filesystem
        String output = run(name, "cat", "/marker");
        assertEquals(image.marker() + "\n", output);

        // AND reload reads the archive again
        driver.loadImage(image.id(), name, true, () -> blobs.open(blob.location()));
        assertEquals(loads + 2, loads());
    }

    @Test
    void concurrentLoadsOfOneStoredImageLoadOnce() throws Exception {
        // GIVEN a stored image that is not in the engine
        Unique image = uniqueImage("concurrent-" + UUID.randomUUID());
        BlobStore.Written blob;
        try (var archive = driver.saveImage(image.reference())) {
            blob = blobs.write("it", archive, 1L << 30);
        }
        driver.removeImage(image.reference(), false);
        String name = "zunvx-it/loaded-" + UUID.randomUUID();
        bench.made(name + ":latest");
        bench.made(image.reference());
        long loads = loads();

        // WHEN ten containers want it at the same moment
        CountDownLatch go = new CountDownLatch(1);
        List<Future<LocalImage>> results = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 10; i++) {
                results.add(threads.submit(() -> {
                    go.await();
                    return driver.loadImage(image.id(), name, false, () -> blobs.open(blob.location()));
                }));
            }
            go.countDown();
            for (Future<LocalImage> r : results) {
                assertEquals(image.id(), r.get(2, TimeUnit.MINUTES).id());
            }
        }

        // THEN the engine loaded it once
        assertEquals(loads + 1, loads());
    }

    @Test
    void archiveWithACorruptLayerIsRejectedClearlyAndLeavesNoImage() throws Exception {
        // GIVEN the archive of an image of its own with one byte of each layer flipped, in the blob store
        Unique image = uniqueImage("corrupt-" + UUID.randomUUID());
        byte[] tar;
        try (var archive = driver.saveImage(image.reference())) {
            tar = archive.readAllBytes();
        }
        driver.removeImage(image.reference(), false);
        bench.made(image.reference());
        assertTrue(Tars.corruptLayers(tar) > 0, "the archive has layers");
        BlobStore.Written blob = blobs.write("corrupt", new java.io.ByteArrayInputStream(tar), 1L << 30);

        // WHEN loaded
        String name = "zunvx-it/corrupt-" + UUID.randomUUID();
        bench.made(name + ":latest");
        DriverException e = assertThrows(DriverException.class,
                () -> driver.loadImage(image.id(), name, false, () -> blobs.open(blob.location())));

        // THEN the engine's reason comes back as a bad request, and no image is left under either name
        assertEquals(DriverException.Kind.BAD_REQUEST, e.kind(), e.toString());
        assertTrue(e.getMessage().startsWith("Load of image " + image.id() + " failed: "), e.getMessage());
        assertFalse(e.retryable());
        assertTrue(driver.inspectImage(image.id()).isEmpty());
        assertTrue(driver.inspectImage(name).isEmpty());
    }

    @Test
    void unreadableArchiveIsAClearFailure() {
        // GIVEN a location the store does not have WHEN loaded THEN the failure names the store's problem
        DriverException e = assertThrows(DriverException.class, () -> driver.loadImage(
                "sha256:" + "0".repeat(64), "zunvx-it/never", false, () -> blobs.open("file:missing-blob")));
        assertTrue(e.getMessage().startsWith("cannot read the stored archive of image sha256:"), e.getMessage());
        assertFalse(e.retryable());
    }

    // ------------------------------------------------------------------------------------------------------ helpers

    /** Pushes busybox to the registry under a new tag; the pulled name is removed after the test. */
    private String pushed() {
        return bench.pushBusybox(REPOSITORY, "t-" + UUID.randomUUID());
    }

    /** An image of its own under a unique name (removed after the test). */
    private Unique uniqueImage(String tag) {
        String repository = "zunvx-it/unique";
        bench.made(repository + ":" + tag);
        return TestImages.commit(bench.docker(), repository, tag, java.util.Map.of("zunvx.it", tag));
    }

    /** Runs a command in a new container from {@code image} and returns its output; the container is removed. */
    private String run(String image, String... command) throws InterruptedException {
        String containerId = bench.docker().createContainerCmd(image).withCmd(command)
                .withHostConfig(com.github.dockerjava.api.model.HostConfig.newHostConfig().withNetworkMode("none"))
                .exec().getId();
        try {
            bench.docker().startContainerCmd(containerId).exec();
            bench.docker().waitContainerCmd(containerId).start().awaitStatusCode(60, TimeUnit.SECONDS);
            return driver.logs(containerId, io.zunvx.compute.driver.LogOptions.ALL);
        } finally {
            bench.docker().removeContainerCmd(containerId).withForce(true).exec();
        }
    }

    private static long loads() {
        return (long) meters.get(DockerContainerDriver.LOADS_METER).tag("host", HOST).counter().count();
    }

    private static RegistryAuth auth() {
        return new RegistryAuth(bench.registry().address(), USER, PASSWORD);
    }

    private static long pulls() {
        return (long) meters.get(DockerContainerDriver.PULLS_METER).tag("host", HOST).counter().count();
    }
}
