package io.zunvx.compute.driver;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ImageRefTest {

    @Test
    void referenceWithoutTagMeansLatest() {
        // GIVEN references without a tag WHEN parsed THEN tag latest
        assertEquals(new ImageRef("busybox", "latest", null), ImageRef.parse("busybox"));
        assertEquals("busybox:latest", ImageRef.parse("busybox").canonical());
        assertEquals(new ImageRef("localhost:5000/team/app", "latest", null),
                ImageRef.parse("localhost:5000/team/app"));
    }

    @Test
    void tagAndRegistryPortAreTellApart() {
        // GIVEN references with tags, with and without a registry port WHEN parsed THEN split at the tag's colon
        assertEquals(new ImageRef("busybox", "1.36", null), ImageRef.parse("busybox:1.36"));
        ImageRef r = ImageRef.parse("127.0.0.1:5000/zunvx/app:v2");
        assertEquals(new ImageRef("127.0.0.1:5000/zunvx/app", "v2", null), r);
        assertEquals("v2", r.pullTag());
    }

    @Test
    void digestPinsTheImage() {
        // GIVEN a reference pinned by digest WHEN parsed THEN the digest is what is pulled and resolved
        String digest = "sha256:" + "a".repeat(64);
        ImageRef r = ImageRef.parse("registry:5000/app@" + digest);
        assertEquals("registry:5000/app", r.repository());
        assertEquals(digest, r.pullTag());
        assertEquals("registry:5000/app@" + digest, r.canonical());
    }

    @Test
    void malformedReferencesAreBadRequests() {
        // GIVEN malformed references WHEN parsed THEN BAD_REQUEST
        for (String bad : new String[] {"", " ", "busy box", "busybox:", ":tag", "app@"}) {
            DriverException e = assertThrows(DriverException.class, () -> ImageRef.parse(bad), bad);
            assertEquals(DriverException.Kind.BAD_REQUEST, e.kind(), bad);
        }
        assertThrows(DriverException.class, () -> ImageRef.parse(null));
    }
}
