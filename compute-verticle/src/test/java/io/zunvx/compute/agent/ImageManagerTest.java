package io.zunvx.compute.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ImageManagerTest {

    @Test
    void anImageRowsReferenceIsRepoAndTagOrDigest() {
        assertEquals("busybox:1.36", ImageManager.reference("busybox", "1.36"));
        assertEquals("busybox:latest", ImageManager.reference("busybox", null));
        assertEquals("busybox:latest", ImageManager.reference("busybox", ""));
        assertEquals("127.0.0.1:5000/app:v1", ImageManager.reference("127.0.0.1:5000/app", "v1"));
        String digest = "sha256:" + "b".repeat(64);
        assertEquals("app@" + digest, ImageManager.reference("app", digest));
    }
}
