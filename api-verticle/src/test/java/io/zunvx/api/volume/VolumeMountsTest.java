package io.zunvx.api.volume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zunvx.api.container.CreateContainerRequest.Mount;
import io.zunvx.model.Volume;
import io.zunvx.platform.error.ZunException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VolumeMountsTest {

    private static Mount volume(String source, String destination) {
        return new Mount("volume", source, destination, null);
    }

    private static Mount sized(String size, String destination) {
        return new Mount("volume", null, destination, size);
    }

    private static Mount bind(String content, String destination) {
        return new Mount("bind", content, destination, null);
    }

    private static String refusal(List<Mount> mounts) {
        ZunException e = assertThrows(ZunException.class, () -> VolumeMounts.validate(mounts));
        assertEquals(400, e.status());
        return e.getMessage();
    }

    @Test
    void theThreeFormsAreSortedOut() {
        byte[] content = "x = 1\n".getBytes(StandardCharsets.UTF_8);
        VolumeMounts.Requested r = VolumeMounts.validate(List.of(volume("data", "/data"), sized("2", "/scratch/"),
                bind(Base64.getEncoder().encodeToString(content), "/etc/app.conf")));
        assertEquals(List.of(new VolumeMounts.Existing("data", "/data")), r.existing());
        assertEquals(List.of(new VolumeMounts.Sized(2, "/scratch")), r.sized());
        assertArrayEquals(content, r.files().get("/etc/app.conf"));
    }

    @Test
    void noMountsIsNothing() {
        assertTrue(VolumeMounts.validate(List.of()).isEmpty());
    }

    @Test
    void sizesAreWholePositiveNumbersOfGib() {
        for (String bad : List.of("0", "-1", "1.5", "", " ", "abc", "99999999999", "1e3")) {
            assertTrue(refusal(List.of(sized(bad, "/d"))).contains("Invalid volume size"), bad);
        }
        assertTrue(refusal(List.of(sized(String.valueOf(VolumeMounts.MAX_SIZE + 1), "/d"))).contains("at most"));
        assertEquals(7, VolumeMounts.validate(List.of(sized(" 7 ", "/d"))).sized().getFirst().size());
    }

    @Test
    void destinationsAreAbsoluteNotRootAndUsedOnce() {
        assertTrue(refusal(List.of(sized("1", "data"))).contains("not an absolute path"));
        assertTrue(refusal(List.of(sized("1", "/"))).contains("cannot be mounted at /"));
        assertTrue(refusal(List.of(sized("1", "//"))).contains("cannot be mounted at /"));
        assertTrue(refusal(List.of(sized("1", "/a/../b"))).contains(". or .."));
        assertTrue(refusal(List.of(sized("1", "/data"), volume("v", "/data/"))).contains("Duplicate"));
    }

    @Test
    void aVolumeIsNamedOnceAndEitherBySourceOrBySize() {
        assertTrue(refusal(List.of(volume("v", "/a"), volume("v", "/b"))).contains("mounted twice"));
        assertTrue(refusal(List.of(new Mount("volume", "v", "/a", "1"))).contains("not both"));
        assertTrue(refusal(List.of(volume(" ", "/a"))).contains("must name a volume"));
    }

    @Test
    void bindContentIsBase64WithinTheLimits() {
        assertTrue(refusal(List.of(bind("not base64!", "/f"))).contains("not valid Base64"));
        assertTrue(refusal(List.of(new Mount("bind", "eA==", "/f", "1"))).contains("takes no size"));
        assertTrue(refusal(List.of(new Mount("bind", null, "/f", null))).contains("needs the file content"));
        String big = Base64.getEncoder().encodeToString(new byte[VolumeMounts.MAX_FILE_BYTES + 1]);
        assertTrue(refusal(List.of(bind(big, "/f"))).contains("at most"));
        String quarter = Base64.getEncoder().encodeToString(new byte[VolumeMounts.MAX_FILE_BYTES]);
        assertTrue(refusal(List.of(bind(quarter, "/a"), bind(quarter, "/b"), bind(quarter, "/c"),
                bind(quarter, "/d"), bind("eA==", "/e"))).contains("together"));
        assertEquals(0, VolumeMounts.validate(List.of(bind("", "/empty"))).files().get("/empty").length);
    }

    @Test
    void theVolumeHostHintIsReserved() {
        VolumeMounts.checkHints(Map.of("label:ssd", "true"));
        ZunException e = assertThrows(ZunException.class,
                () -> VolumeMounts.checkHints(Map.of(Volume.HOST_HINT, "h1")));
        assertEquals(400, e.status());
    }

    @Test
    void cinderSizesAreWholePositiveNumbers() {
        assertEquals(3, CinderApi.size(3));
        assertEquals(3, CinderApi.size("3"));
        for (Object bad : new Object[] {0, -2, 1.5, "x", null}) {
            CinderException e = assertThrows(CinderException.class, () -> CinderApi.size(bad));
            assertEquals(400, e.status());
            assertEquals(400, e.body().getJsonObject("badRequest").getInteger("code"));
        }
    }
}
