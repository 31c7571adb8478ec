package io.zunvx.compute.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class ImageNamesTest {

    @Test
    void theFirstComponentIsARegistryOnlyWhenItLooksLikeAHost() {
        assertEquals("127.0.0.1:5000", ImageNames.domain("127.0.0.1:5000/team/app:v1"));
        assertEquals("registry.example.com", ImageNames.domain("registry.example.com/app"));
        assertEquals("localhost", ImageNames.domain("localhost/app"));
        assertNull(ImageNames.domain("busybox"));
        assertNull(ImageNames.domain("busybox:1.36"));
        assertNull(ImageNames.domain("team/app:v1"));
        assertNull(ImageNames.domain(null));
    }

    @Test
    void aRegistrysDomainIsPutInFrontUnlessTheReferenceNamesItAlready() {
        assertEquals("127.0.0.1:5000/busybox", ImageNames.inRegistry("busybox", "127.0.0.1:5000"));
        assertEquals("127.0.0.1:5000/team/app:v1", ImageNames.inRegistry("team/app:v1", "127.0.0.1:5000"));
        assertEquals("127.0.0.1:5000/team/app:v1",
                ImageNames.inRegistry("127.0.0.1:5000/team/app:v1", "127.0.0.1:5000"));
        assertEquals("Reg.Example.com/app", ImageNames.inRegistry("Reg.Example.com/app", "reg.example.com"));
        assertEquals("127.0.0.1:5000/other.example.com/app",
                ImageNames.inRegistry("other.example.com/app", "127.0.0.1:5000"));
        assertEquals("busybox", ImageNames.inRegistry("busybox", null));
        assertEquals("busybox", ImageNames.inRegistry("busybox", " "));
    }

    @Test
    void aNameWithoutTagGetsLatest() {
        assertEquals("store-image:latest", ImageNames.withDefaultTag("store-image"));
        assertEquals("team/app:v1", ImageNames.withDefaultTag("team/app:v1"));
        assertEquals("127.0.0.1:5000/app:latest", ImageNames.withDefaultTag("127.0.0.1:5000/app"));
        String pinned = "app@sha256:" + "a".repeat(64);
        assertEquals(pinned, ImageNames.withDefaultTag(pinned));
    }
}
