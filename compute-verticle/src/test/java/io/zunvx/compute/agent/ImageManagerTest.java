package io.zunvx.compute.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zunvx.compute.driver.DriverException;
import io.zunvx.compute.driver.DriverException.Kind;
import io.zunvx.compute.driver.LocalImage;
import io.zunvx.compute.driver.PullPolicy;
import io.zunvx.compute.fake.FakeRuntimeDriver;
import io.zunvx.model.ImageCommand.DeleteImage;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The decisions of {@link ImageManager}, against an in-memory runtime: no database, no engine. */
@Timeout(30)
class ImageManagerTest {
    private static final String HOST = "host-a";

    private final FakeRuntimeDriver runtime = new FakeRuntimeDriver();

    @Test
    void anImageRowsReferenceIsRepoAndTagOrDigest() {
        assertEquals("busybox:1.36", ImageManager.reference("busybox", "1.36"));
        assertEquals("busybox:latest", ImageManager.reference("busybox", null));
        assertEquals("busybox:latest", ImageManager.reference("busybox", ""));
        assertEquals("127.0.0.1:5000/app:v1", ImageManager.reference("127.0.0.1:5000/app", "v1"));
        String digest = "sha256:" + "b".repeat(64);
        assertEquals("app@" + digest, ImageManager.reference("app", digest));
    }

    @Test
    void anImagePullAsksTheRegistryEvenForAnImageThatIsThere() {
        // Zun's image pull: the default policy pulls a present image again
        assertEquals(PullPolicy.Decision.PULL, PullPolicy.parse(ImageManager.DEFAULT_POLICY).decide(true));
        runtime.addImage("busybox:latest");
        runtime.ensureImage("busybox:latest", ImageManager.DEFAULT_POLICY, null);
        assertEquals(1, runtime.count("pull"));
    }

    @Test
    void aRegistryRefusalIsRecordedAndAnUnreachableEngineRetried() {
        assertFalse(ImageManager.retried(new DriverException(Kind.NOT_FOUND, "manifest unknown")));
        assertFalse(ImageManager.retried(new DriverException(Kind.OTHER, "unauthorized")));
        assertTrue(ImageManager.retried(new DriverException(Kind.UNAVAILABLE, "Docker engine unavailable")));
        assertTrue(ImageManager.retried(new IllegalStateException("database away")));
    }

    private static final String PROJECT = "p1";

    private static DeleteImage delete(String repo, String tag, String imageId, String projectId) {
        return new DeleteImage(UUID.randomUUID(), "req-1", repo, tag, imageId, projectId);
    }

    @Test
    void aDeletedRowsImageLosesOnlyItsProjectsName() {
        ProjectImages images = new ProjectImages(runtime);
        LocalImage shared = runtime.addImage("app:v1");
        String own = ProjectImages.scoped(PROJECT, "app:v1");
        runtime.tagImage(shared.id(), own);
        ImageManager.removeLocal(images, delete("app", "v1", shared.id(), PROJECT), HOST);
        assertTrue(runtime.inspectImage(own).isEmpty());
        assertTrue(runtime.inspectImage("app:v1").isPresent(), "the shared name stays");
        // a command from before per-project names removes nothing
        ImageManager.removeLocal(images, delete("app", "v1", shared.id(), null), HOST);
        assertTrue(runtime.inspectImage("app:v1").isPresent());
        assertEquals(0, runtime.count("removeImage app:v1"));
    }

    @Test
    void anImageInUseStaysAndAnUnreachableEngineIsRetried() {
        ProjectImages images = new ProjectImages(runtime);
        String own = ProjectImages.scoped(PROJECT, "app:v1");
        runtime.addImage(own);
        runtime.failNext("removeImage", new DriverException(Kind.CONFLICT, "image is being used"));
        ImageManager.removeLocal(images, delete("app", "v1", null, PROJECT), HOST);
        assertTrue(runtime.inspectImage(own).isPresent());
        runtime.failNext("removeImage", new DriverException(Kind.UNAVAILABLE, "Docker engine unavailable"));
        assertThrows(DriverException.class,
                () -> ImageManager.removeLocal(images, delete("app", "v1", null, PROJECT), HOST));
    }
}
