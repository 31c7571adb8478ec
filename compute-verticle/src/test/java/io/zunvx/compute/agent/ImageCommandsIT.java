package io.zunvx.compute.agent;

import static io.zunvx.platform.db.TestWaits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.exception.NotFoundException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.zunvx.compute.RegistryFixture;
import io.zunvx.compute.LocalRegistry;
import io.zunvx.compute.TestImages;
import io.zunvx.compute.docker.DockerContainerDriver;
import io.zunvx.compute.driver.LogOptions;
import io.zunvx.model.Container;
import io.zunvx.model.ContainerCommand;
import io.zunvx.model.HostImage;
import io.zunvx.model.ImageCommand;
import io.zunvx.model.Registry;
import io.zunvx.model.Status;
import io.zunvx.model.StoreImage;
import io.zunvx.platform.concurrent.Blocking;
import io.zunvx.platform.config.ZunvxConfig;
import io.zunvx.platform.container.ContainerActionRepository;
import io.zunvx.platform.container.ContainerRepository;
import io.zunvx.platform.container.ContainerStore;
import io.zunvx.platform.db.Transactions;
import io.zunvx.platform.db.PgSession;
import io.zunvx.platform.host.ComputeNodeRepository;
import io.zunvx.platform.image.BlobStore;
import io.zunvx.platform.image.DockerArchive;
import io.zunvx.platform.image.FilesystemBlobStore;
import io.zunvx.platform.image.HostImageRepository;
import io.zunvx.platform.image.StoreImageRepository;
import io.zunvx.platform.registry.CredentialCipher;
import io.zunvx.platform.registry.RegistryRepository;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import io.zunvx.platform.volume.VolumeRepository;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compute agent's image work end to end below Kafka: {@link ContainerManager} creating containers from a private
 * registry (credentials of the registry named or matched by domain) and from the image store, committing into the
 * store, and {@link ImageManager} pulling and removing host images. Real PostgreSQL, the real Docker engine, a real
 * registry on 127.0.0.1 behind htpasswd ({@link LocalRegistry}) and a filesystem blob store.
 */
class ImageCommandsIT {
    private static final String DOCKER_HOST =
            System.getenv().getOrDefault("DOCKER_HOST", "unix:///var/run/docker.sock");
    private static final String HOST = "it-images-" + UUID.randomUUID().toString().substring(0, 8);
    private static final String REPOSITORY = "zunvx/busybox";
    private static final String USER = "zunvx-it";
    private static final String PASSWORD = "pw-" + UUID.randomUUID();

    @TempDir
    static Path dir;
    private static PgSession pg;
    private static Context context;
    private static Pool pool;
    private static Blocking blocking;
    private static DockerContainerDriver driver;
    private static RegistryFixture bench;
    private static SimpleMeterRegistry meters;
    private static FilesystemBlobStore blobs;
    private static ContainerStore store;
    private static ContainerActionRepository actions;
    private static RegistryRepository registries;
    private static StoreImageRepository storeImages;
    private static HostImageRepository hostImages;
    private static ContainerManager manager;
    private static ImageManager images;

    private final String project = "project-" + UUID.randomUUID();

    @BeforeAll
    static void start() {
        bench = RegistryFixture.start(DOCKER_HOST, dir.resolve("registry"), USER, PASSWORD);
        pg = PgSession.start(dir, 16);
        context = pg.vertx().getOrCreateContext();
        pool = pg.pool();
        blocking = new Blocking("it-docker", 64);
        driver = new DockerContainerDriver(DOCKER_HOST);
        meters = new SimpleMeterRegistry();
        driver.countImageTransfers(meters, HOST);
        blobs = new FilesystemBlobStore(dir.resolve("store"));
        store = new ContainerStore(new Transactions(pool), Clock.systemUTC());
        actions = new ContainerActionRepository();
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        registries = new RegistryRepository(new CredentialCipher(key));
        storeImages = new StoreImageRepository();
        hostImages = new HostImageRepository();
        manager = managerWithLimit(1L << 30);
        images = new ImageManager(context, blocking, new Transactions(pool), hostImages, sources(1L << 30), HOST);
    }

    private static ImageSources sources(long maxStoreBytes) {
        return new ImageSources(new ProjectImages(driver), new Transactions(pool), registries, storeImages, blobs,
                maxStoreBytes,
                ZunvxConfig.Images.DEFAULT_PROJECT_QUOTA_BYTES);
    }

    private static ContainerManager managerWithLimit(long maxStoreBytes) {
        return new ContainerManager(context, driver, driver, blocking, store, actions, new ComputeNodeRepository(),
                HOST, "none", Clock.systemUTC(), sources(maxStoreBytes),
                new VolumeManager(context.owner(), context, driver, driver, blocking, new Transactions(pool),
                        new VolumeRepository(Clock.systemUTC()), HOST, Duration.ofMinutes(1), Duration.ofMinutes(1),
                        Clock.systemUTC()), null);
    }

    @AfterAll
    static void stop() throws IOException {
        if (driver != null) {
            driver.close();
        }
        if (blocking != null) {
            blocking.close();
        }
        if (pg != null) {
            pg.close();
        }
        if (bench != null) {
            bench.close();
        }
    }

    @AfterEach
    void removeWhatThisTestCreated() {
        for (var c : bench.docker().listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(Container.LABEL_HOST, HOST)).exec()) {
            try {
                bench.docker().removeContainerCmd(c.getId()).withForce(true).exec();
            } catch (NotFoundException gone) {
                // removed meanwhile
            }
        }
        TestImages.untagProject(bench.docker(), project);
        bench.removeMade();
    }

    // ------------------------------------------------------------------------------------------ private registries

    @Test
    void containerNamingTheRegistryIsCreatedFromItWithItsCredentials() {
        // GIVEN busybox in the private registry, the registry recorded for the project, and a container naming it
        // with a reference that has no registry part
        String tag = pushedTag();
        Registry r = registry(project);
        Container c = insert(container("zunvx/busybox:" + tag).registryId(r.uuid()));

        // WHEN it is created
        handle(new ContainerCommand.CreateContainer(c.uuid(), "req-1"));

        // THEN it is Created from the image in that registry
        Container after = row(c.uuid());
        assertEquals(Status.CREATED, after.status(), after.statusReason());
        assertEquals(bench.busyboxId(), bench.docker().inspectContainerCmd(after.containerId()).exec().getImageId());
        assertTrue(driver.inspectImage(ProjectImages.scoped(project, bench.registry().address() + "/" + REPOSITORY
                + ":" + tag)).isPresent(), "the pull with credentials is named for the project");
        assertTrue(driver.inspectImage(bench.registry().address() + "/" + REPOSITORY + ":" + tag).isEmpty(),
                "and leaves no name another project could use");
        assertEquals("zunvx/busybox:" + tag, after.image(), "the row keeps the image as the user gave it");
    }

    @Test
    void containerWithoutARegistryUsesTheProjectsRegistryForTheImagesHost() {
        // GIVEN busybox in the private registry, known to the project, and a container whose image names that host
        String tag = pushedTag();
        registry(project);
        Container c = insert(container(bench.registry().address() + "/" + REPOSITORY + ":" + tag));

        // WHEN it is created THEN the project's credentials for that registry were used
        handle(new ContainerCommand.CreateContainer(c.uuid(), "req-1"));
        Container after = row(c.uuid());
        assertEquals(Status.CREATED, after.status(), after.statusReason());
    }

    @Test
    void failedPullLeavesTheContainerErrorWithTheRegistrysReason() {
        // GIVEN busybox in the private registry, and a project that has no credentials for it
        String tag = pushedTag();
        registry("another-project");
        Container c = insert(container(bench.registry().address() + "/" + REPOSITORY + ":" + tag));
        await(actions.start(pool, c.uuid(), "req-1", "create", project, null, java.time.Instant.now()));

        // WHEN it is created
        handle(new ContainerCommand.CreateContainer(c.uuid(), "req-1"));

        // THEN it is Error, the reason being what the registry answered, and the action's step says Error too
        Container after = row(c.uuid());
        assertEquals(Status.ERROR, after.status());
        assertNull(after.taskState());
        String reason = after.statusReason().toLowerCase(Locale.ROOT);
        assertTrue(reason.contains("no basic auth credentials") || reason.contains("unauthorized"),
                after.statusReason());
        JsonObject action = await(actions.get(pool, c.uuid(), "req-1", true)).orElseThrow();
        assertEquals("Error", action.getJsonArray("events").getJsonObject(0).getString("result"), action.encode());
    }

    @Test
    void unknownRegistryLeavesTheContainerErrorSayingSo() {
        UUID missing = UUID.randomUUID();
        Container c = insert(container("zunvx/busybox:any").registryId(missing));
        handle(new ContainerCommand.CreateContainer(c.uuid(), "req-1"));
        Container after = row(c.uuid());
        assertEquals(Status.ERROR, after.status());
        assertEquals("Registry " + missing + " could not be found.", after.statusReason());
    }

    @Test
    void twentyContainersCreatedAtOnceFromANewImageCauseOnePull() {
        // GIVEN a new image in the private registry and 20 containers of the project waiting to be created from it
        String tag = pushedTag();
        Registry r = registry(project);
        List<Container> containers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            containers.add(insert(container("zunvx/busybox:" + tag).registryId(r.uuid())));
        }
        long pulls = pulls();

        // WHEN all their create commands are handled at the same time
        onContext(() -> Future.all(containers.stream()
                .map(c -> manager.handle(new ContainerCommand.CreateContainer(c.uuid(), "req-" + c.uuid())))
                .toList()).mapEmpty());

        // THEN every one is Created, the engine pulled once, and the registry served the manifest once
        for (Container c : containers) {
            Container after = row(c.uuid());
            assertEquals(Status.CREATED, after.status(), after.statusReason());
        }
        assertEquals(pulls + 1, pulls());
        assertEquals(1, bench.registry().manifestFetches(REPOSITORY, tag), bench.registry().requests().toString());
    }

    // ------------------------------------------------------------------------------------------------ image store

    @Test
    void glanceContainerRunsFromAStoredImageByNameOrId() throws Exception {
        // GIVEN an image of its own in the store (and not in the engine)
        Stored s = storedImage();
        String name = "zunvx-it-store-" + UUID.randomUUID().toString().substring(0, 8);
        StoreImage image = await(storeImages.create(pool, StoreImage.queued(UUID.randomUUID(), name, "docker",
                "raw", "private", project, List.of(), 0, 0, false, null)));
        activate(image.id(), s);
        bench.made(ProjectImages.scoped(project, name));
        bench.made(ProjectImages.scoped(project, image.id().toString()));
        long loads = loads();

        // WHEN containers are created and started from it by name and by id
        Container byName = insert(container(name).imageDriver("glance").run(true)
                .command(List.of("cat", "/marker")));
        Container byId = insert(container(image.id().toString()).imageDriver("glance").run(true)
                .command(List.of("cat", "/marker")));
        handle(new ContainerCommand.CreateContainer(byName.uuid(), "req-1"));
        handle(new ContainerCommand.CreateContainer(byId.uuid(), "req-2"));

        // THEN both ran the stored filesystem, and the archive was loaded once
        for (Container c : List.of(byName, byId)) {
            Container after = row(c.uuid());
            assertTrue(after.status() == Status.RUNNING || after.status() == Status.STOPPED,
                    after.status() + " " + after.statusReason());
            assertEquals(s.marker() + "\n", awaitLogs(after.containerId()));
        }
        assertEquals(loads + 1, loads());
        assertEquals(s.imageId(), bench.docker().inspectImageCmd(ProjectImages.scoped(project, name)).exec().getId());
        assertTrue(driver.inspectImage(name).isEmpty(), "no shared name");
    }

    @Test
    void glanceContainerWithAMissingOrUnfinishedImageIsError() {
        Container missing = insert(container("no-such-image-" + UUID.randomUUID()).imageDriver("glance"));
        handle(new ContainerCommand.CreateContainer(missing.uuid(), "req-1"));
        Container after = row(missing.uuid());
        assertEquals(Status.ERROR, after.status());
        assertEquals("Image " + missing.image() + " could not be found.", after.statusReason());

        StoreImage queued = await(storeImages.create(pool, StoreImage.queued(UUID.randomUUID(), "q", "docker", "raw",
                "private", project, List.of(), 0, 0, false, null)));
        Container notActive = insert(container(queued.id().toString()).imageDriver("glance"));
        handle(new ContainerCommand.CreateContainer(notActive.uuid(), "req-1"));
        after = row(notActive.uuid());
        assertEquals(Status.ERROR, after.status());
        assertTrue(after.statusReason().contains("is not active"), after.statusReason());

        StoreImage elsewhere = await(storeImages.create(pool, StoreImage.queued(UUID.randomUUID(), "p", "docker",
                "raw", "private", "other-project", List.of(), 0, 0, false, null)));
        Container foreign = insert(container(elsewhere.id().toString()).imageDriver("glance"));
        handle(new ContainerCommand.CreateContainer(foreign.uuid(), "req-1"));
        after = row(foreign.uuid());
        assertEquals(Status.ERROR, after.status());
        assertTrue(after.statusReason().endsWith("could not be found."), after.statusReason());
    }

    @Test
    void commitStoresACheckedArchiveThatLoadsBack() throws Exception {
        // GIVEN a stopped container that wrote a file, and the store record the API made for its commit
        Container c = insert(container("busybox").run(true)
                .command(List.of("sh", "-c", "echo committed-" + project + " > /marker")));
        handle(new ContainerCommand.CreateContainer(c.uuid(), "req-1"));
        awaitLogs(row(c.uuid()).containerId());
        UUID imageUuid = UUID.randomUUID();
        String repository = "zunvx-it/commit-" + UUID.randomUUID().toString().substring(0, 8);
        String own = ProjectImages.scoped(project, repository + ":v1");
        bench.made(own);
        await(storeImages.create(pool, StoreImage.queued(imageUuid, repository, "docker", "raw", "private", project,
                List.of("v1"), 0, 0, false, null)));
        await(actions.start(pool, c.uuid(), "req-commit", "commit", project, null, java.time.Instant.now()));

        // WHEN committed
        handle(new ContainerCommand.CommitContainer(c.uuid(), "req-commit", repository, "v1", imageUuid));

        // THEN the record is active with the archive's size, digests and Docker id, and the action succeeded
        StoreImage stored = await(storeImages.find(pool, imageUuid)).orElseThrow();
        assertEquals(StoreImage.ACTIVE, stored.status());
        String committedId = bench.docker().inspectImageCmd(own).exec().getId();
        assertEquals(committedId, stored.dockerImageId());
        assertTrue(driver.inspectImage(repository + ":v1").isEmpty(), "the commit is named for its project only");
        assertEquals(List.of(), stored.repoTags(), "the stored archive carries no name");
        assertTrue(stored.size() > 0);
        assertEquals(32, stored.checksum().length());
        assertEquals(64, stored.osHashValue().length());
        JsonObject action = await(actions.get(pool, c.uuid(), "req-commit", true)).orElseThrow();
        assertEquals("Success", action.getJsonArray("events").getJsonObject(0).getString("result"), action.encode());

        // AND the stored archive passes the check again
        try (InputStream in = blobs.open(stored.location())) {
            assertEquals(committedId, DockerArchive.check(in).imageId());
        }

        // AND once the local image is gone, a glance container from the stored image runs the committed filesystem
        bench.docker().removeImageCmd(own).exec();
        assertTrue(driver.inspectImage(committedId).isEmpty());
        Container fromStore = insert(container(imageUuid.toString()).imageDriver("glance").run(true)
                .command(List.of("cat", "/marker")));
        bench.made(ProjectImages.scoped(project, imageUuid.toString()));
        handle(new ContainerCommand.CreateContainer(fromStore.uuid(), "req-2"));
        Container after = row(fromStore.uuid());
        assertNotNull(after.containerId(), after.statusReason());
        assertEquals("committed-" + project + "\n", awaitLogs(after.containerId()));
    }

    @Test
    void commitLargerThanTheLimitKillsTheRecordAndLeavesNoBlob() throws IOException {
        // GIVEN a container and a queued store record, and a store limit far below any image
        Container c = insert(container("busybox").command(List.of("true")));
        handle(new ContainerCommand.CreateContainer(c.uuid(), "req-1"));
        UUID imageUuid = UUID.randomUUID();
        String repository = "zunvx-it/big-" + UUID.randomUUID().toString().substring(0, 8);
        bench.made(ProjectImages.scoped(project, repository + ":v1"));
        await(storeImages.create(pool, StoreImage.queued(imageUuid, repository, "docker", "raw", "private", project,
                List.of("v1"), 0, 0, false, null)));
        await(actions.start(pool, c.uuid(), "req-commit", "commit", project, null, java.time.Instant.now()));
        long blobsBefore = blobCount();

        // WHEN committed
        ContainerManager small = managerWithLimit(1024);
        onContext(() -> small.handle(new ContainerCommand.CommitContainer(c.uuid(), "req-commit", repository, "v1",
                imageUuid)));

        // THEN the record is killed, nothing was kept in the store, and the action says why
        StoreImage after = await(storeImages.find(pool, imageUuid)).orElseThrow();
        assertEquals(StoreImage.KILLED, after.status());
        assertNull(after.location());
        assertEquals(blobsBefore, blobCount());
        JsonObject action = await(actions.get(pool, c.uuid(), "req-commit", true)).orElseThrow();
        assertEquals("Error", action.getJsonArray("events").getJsonObject(0).getString("result"), action.encode());
        assertTrue(action.getString("message").contains("larger than the limit of 1024 bytes"), action.encode());
    }

    // ---------------------------------------------------------------------------------------------- image commands

    @Test
    void pullImageRecordsTheImagesIdAndSizeOrTheRegistrysReason() {
        // GIVEN busybox in the private registry, known to the project, and two host image rows: one for it and one
        // for a tag that does not exist
        String tag = pushedTag();
        registry(project);
        String repo = bench.registry().address() + "/" + REPOSITORY;
        HostImage good = await(hostImages.create(pool, hostImage(repo, tag)));
        HostImage missing = await(hostImages.create(pool, hostImage(repo, "missing-" + UUID.randomUUID())));

        // WHEN both are pulled
        onContext(() -> images.handle(new ImageCommand.PullImage(good.uuid(), "req-1")));
        onContext(() -> images.handle(new ImageCommand.PullImage(missing.uuid(), "req-2")));

        // THEN the first is ready with busybox's id and size, the second is error with the registry's reason
        HostImage ready = await(hostImages.find(pool, good.uuid())).orElseThrow();
        assertEquals(HostImage.READY, ready.status(), ready.statusReason());
        assertEquals(bench.busyboxId(), ready.imageId());
        assertTrue(ready.size() > 0);
        HostImage failed = await(hostImages.find(pool, missing.uuid())).orElseThrow();
        assertEquals(HostImage.ERROR, failed.status());
        assertTrue(failed.statusReason().contains("manifest unknown"), failed.statusReason());

        // AND a re-delivered pull leaves the ready row alone, without asking the engine again
        long pulls = pulls();
        onContext(() -> images.handle(new ImageCommand.PullImage(good.uuid(), "req-1")));
        assertEquals(pulls, pulls());
    }

    @Test
    void deleteImageRemovesItFromTheHostUnlessAContainerUsesIt() {
        // GIVEN a pulled image, and another one a container uses
        String tag = pushedTag();
        registry(project);
        String repo = bench.registry().address() + "/" + REPOSITORY;
        HostImage free = await(hostImages.create(pool, hostImage(repo, tag)));
        onContext(() -> images.handle(new ImageCommand.PullImage(free.uuid(), "req-1")));
        String ref = ProjectImages.scoped(project, repo + ":" + tag);
        assertTrue(driver.inspectImage(ref).isPresent());

        Stored s = storedUnique();
        Container user = insert(container(s.reference()).imagePullPolicy("never").command(List.of("true")));
        handle(new ContainerCommand.CreateContainer(user.uuid(), "req-2"));
        assertEquals(Status.CREATED, row(user.uuid()).status());

        // WHEN both are deleted
        onContext(() -> images.handle(new ImageCommand.DeleteImage(UUID.randomUUID(), "req-3", repo, tag,
                bench.busyboxId(), project)));
        String[] parts = s.reference().split(":");
        onContext(() -> images.handle(new ImageCommand.DeleteImage(UUID.randomUUID(), "req-4", parts[0], parts[1],
                s.imageId(), project)));

        // THEN the free one is gone, the used one stays (no failure), and busybox is untouched
        assertTrue(driver.inspectImage(ref).isEmpty());
        assertTrue(driver.inspectImage(s.reference()).isPresent());
    }

    // ------------------------------------------------------------------------------------------------------ helpers

    /** An archive of an image of its own in the blob store; the image itself is removed from the engine. */
    private record Stored(String imageId, String reference, String marker, BlobStore.Written blob) {
    }

    private Stored storedImage() throws Exception {
        Stored s = storedUnique();
        BlobStore.Written blob;
        try (InputStream archive = driver.saveImage(s.reference())) {
            blob = blobs.write("it", archive, 1L << 30);
        }
        driver.removeImage(s.reference(), false);
        return new Stored(s.imageId(), s.reference(), s.marker(), blob);
    }

    /** An image of its own under a unique local name (removed after the test). */
    private Stored storedUnique() {
        String tag = "u-" + UUID.randomUUID();
        bench.made("zunvx-it/unique:" + tag);
        TestImages.Unique u = TestImages.commit(bench.docker(), "zunvx-it/unique", tag,
                Map.of(Container.LABEL_HOST, HOST));
        return new Stored(u.id(), u.reference(), u.marker(), null);
    }

    private static void activate(UUID id, Stored s) {
        assertTrue(await(storeImages.startUpload(pool, id)));
        await(storeImages.finishUpload(pool, id, s.blob().location(), s.blob().size(), s.blob().md5Hex(),
                s.blob().sha256Hex(), s.imageId(), List.of(s.reference())));
    }

    private static long blobCount() throws IOException {
        if (!Files.exists(blobs.directory())) {
            return 0;
        }
        try (Stream<Path> files = Files.list(blobs.directory())) {
            return files.count();
        }
    }

    private String pushedTag() {
        String tag = "t-" + UUID.randomUUID();
        bench.pushBusybox(REPOSITORY, tag);
        return tag;
    }

    private static Registry registry(String projectId) {
        return await(registries.create(pool, new Registry(UUID.randomUUID(), "it-" + UUID.randomUUID(),
                bench.registry().address(), USER, true, projectId, "user", null, null), PASSWORD));
    }

    private Container.Builder container(String image) {
        return Container.builder()
                .uuid(UUID.randomUUID())
                .name("it")
                .projectId(project)
                .image(image)
                .status(Status.CREATING)
                .host(HOST)
                .command(List.of("sleep", "300"));
    }

    private HostImage hostImage(String repo, String tag) {
        return new HostImage(UUID.randomUUID(), null, repo, tag, null, project, "user", HOST, HostImage.PULLING, null,
                null, null, null);
    }

    private static Container insert(Container.Builder b) {
        Container c = b.build();
        return await(store.inTransaction(tx -> tx.insert(c, "req-insert")));
    }

    private static Container row(UUID uuid) {
        return await(store.find(uuid)).orElseThrow();
    }

    private static void handle(ContainerCommand command) {
        onContext(() -> manager.handle(command));
    }

    /** Runs {@code work} on the agent's context, as the command loop does, and waits for it. */
    private static <T> T onContext(Supplier<Future<T>> work) {
        Promise<T> done = Promise.promise();
        context.runOnContext(v -> work.get().onComplete(done));
        return await(done.future());
    }

    /** The output of a container once it has exited. */
    private static String awaitLogs(String containerId) {
        try {
            bench.docker().waitContainerCmd(containerId).start().awaitStatusCode(60, TimeUnit.SECONDS);
        } catch (NotFoundException gone) {
            // exited and removed: its log is gone too
        }
        return driver.logs(containerId, LogOptions.ALL);
    }

    private static long pulls() {
        return (long) meters.get(DockerContainerDriver.PULLS_METER).tag("host", HOST).counter().count();
    }

    private static long loads() {
        return (long) meters.get(DockerContainerDriver.LOADS_METER).tag("host", HOST).counter().count();
    }
}
