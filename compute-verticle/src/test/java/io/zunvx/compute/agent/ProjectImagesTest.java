package io.zunvx.compute.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zunvx.compute.driver.DriverException;
import io.zunvx.compute.driver.DriverException.Kind;
import io.zunvx.compute.driver.LocalImage;
import io.zunvx.compute.driver.RegistryAuth;
import io.zunvx.compute.fake.FakeRuntimeDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ProjectImagesTest {
    private final FakeRuntimeDriver runtime = new FakeRuntimeDriver();
    private final ProjectImages images = new ProjectImages(runtime);

    @Test
    void projectNamesAreValidAndDistinctPerProject() {
        assertEquals("zunvx-p-abc123/busybox:latest", ProjectImages.scoped("abc123", "busybox"));
        assertEquals("zunvx-p-abc123/busybox:latest", ProjectImages.scoped("abc123", "docker.io/library/busybox"));
        assertEquals("zunvx-p-abc123/127.0.0.1_5000/team/app:v1",
                ProjectImages.scoped("abc123", "127.0.0.1:5000/team/app:v1"));
        assertEquals("zunvx-p-abc123/app:sha256-" + "a".repeat(64),
                ProjectImages.scoped("abc123", "app@sha256:" + "a".repeat(64)));
        String odd = ProjectImages.scoped("Odd Project", "busybox");
        assertTrue(odd.matches("zunvx-p-[0-9a-f]{32}/busybox:latest"), odd);
        assertTrue(!ProjectImages.scoped("a", "x").equals(ProjectImages.scoped("b", "x")));
    }

    @Test
    void referencesToTheReservedPrefixAreRefused() {
        DriverException e = assertThrows(DriverException.class,
                () -> images.ensure("b", "zunvx-p-a/busybox:latest", "ifnotpresent", null));
        assertEquals(Kind.BAD_REQUEST, e.kind());
        assertThrows(DriverException.class, () -> images.ensure("b", "docker.io/zunvx-p-a/x", "never", null));
    }

    @Test
    void theProjectsOwnNameWinsThenTheSharedName() {
        LocalImage shared = runtime.addImage("busybox:latest");
        assertEquals(shared.id(), images.ensure("b", "busybox", "ifnotpresent", null).id());
        LocalImage own = runtime.addImage(ProjectImages.scoped("a", "busybox"));
        assertEquals(own.id(), images.ensure("a", "busybox", "never", null).id());
        assertEquals(shared.id(), images.ensure("b", "busybox", "never", null).id(), "a's name is a's only");
        assertEquals(0, runtime.count("pull"));
    }

    @Test
    void aPullWithCredentialsLeavesTheSharedNameAsItWas() {
        // GIVEN a host name that exists, and one that does not
        LocalImage before = runtime.addImage("127.0.0.1:5000/app:v1");
        RegistryAuth auth = new RegistryAuth("127.0.0.1:5000", "u", "p");

        // WHEN project a pulls both with credentials
        LocalImage pulled = images.ensure("a", "127.0.0.1:5000/app:v1", "always", auth);
        images.ensure("a", "127.0.0.1:5000/app:v2", "ifnotpresent", auth);

        // THEN a has its names, and the shared names are what they were
        assertTrue(runtime.inspectImage(ProjectImages.scoped("a", "127.0.0.1:5000/app:v1")).isPresent());
        assertEquals(pulled.id(), runtime.inspectImage(ProjectImages.scoped("a", "127.0.0.1:5000/app:v1"))
                .orElseThrow().id());
        assertEquals(before.id(), runtime.inspectImage("127.0.0.1:5000/app:v1").orElseThrow().id());
        assertTrue(runtime.inspectImage("127.0.0.1:5000/app:v2").isEmpty());
        assertTrue(runtime.inspectImage(ProjectImages.scoped("a", "127.0.0.1:5000/app:v2")).isPresent());
        // AND project b without credentials must ask the registry itself
        long pulls = runtime.count("pull");
        images.ensure("b", "127.0.0.1:5000/app:v2", "ifnotpresent", null);
        assertEquals(pulls + 1, runtime.count("pull"));
    }
}
