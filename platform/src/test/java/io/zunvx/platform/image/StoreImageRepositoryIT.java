package io.zunvx.platform.image;

import static io.zunvx.platform.db.TestWaits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.zunvx.model.StoreImage;
import io.zunvx.platform.db.PgSession;
import io.zunvx.platform.db.TestWaits;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Image store records on a real PostgreSQL: guarded upload states, visibility, pagination. */
class StoreImageRepositoryIT {
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static final String MD5 = "0".repeat(32);
    private static final String SHA = "1".repeat(64);

    @RegisterExtension
    static final PgSession pg = PgSession.perClass(8);
    private final StoreImageRepository repo = new StoreImageRepository();

    @Test
    void createdImageComesBackAsStored() {
        StoreImage img = queued("busybox", "private", project(), List.of("a", "b"));

        StoreImage stored = await(repo.create(pg.pool(), img));

        assertEquals(img, stored);
        assertEquals(Optional.of(img), await(repo.find(pg.pool(), img.id())));
    }

    @Test
    void uploadGoesQueuedSavingActiveAndOnlyOneUploadMayStart() {
        // GIVEN a queued image
        StoreImage img = await(repo.create(pg.pool(), queued("up", "private", project(), List.of())));

        // WHEN ten uploads try to start at once
        List<Future<Boolean>> starts = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            starts.add(repo.startUpload(pg.pool(), img.id()));
        }
        await(Future.join(starts));

        // THEN exactly one wins
        assertEquals(1, starts.stream().filter(Future::result).count());
        assertEquals(StoreImage.SAVING, await(repo.find(pg.pool(), img.id())).orElseThrow().status());

        // WHEN the upload finishes
        StoreImage active = await(repo.finishUpload(pg.pool(), img.id(), "file:up-1", 1234, MD5, SHA,
                "sha256:" + "2".repeat(64), List.of("busybox:latest"))).orElseThrow();

        // THEN it is active with its data's facts, and cannot be uploaded or finished again
        assertEquals(StoreImage.ACTIVE, active.status());
        assertEquals("file:up-1", active.location());
        assertEquals(1234L, active.size());
        assertEquals(MD5, active.checksum());
        assertEquals("sha256", active.osHashAlgo());
        assertEquals(SHA, active.osHashValue());
        assertEquals("sha256:" + "2".repeat(64), active.dockerImageId());
        assertEquals(List.of("busybox:latest"), active.repoTags());
        assertFalse(await(repo.startUpload(pg.pool(), img.id())));
        assertEquals(Optional.empty(), await(repo.finishUpload(pg.pool(), img.id(), "file:x", 1, MD5, SHA, null,
                List.of())));
        assertEquals(Optional.empty(), await(repo.abortUpload(pg.pool(), img.id(), StoreImage.QUEUED)));
    }

    @Test
    void anUploadWhoseLeaseRanOutMayBeTakenOverAndARenewedOneMayNot() {
        // GIVEN an upload that started, seen from a clock running ahead
        java.time.Instant start = java.time.Instant.now();
        StoreImageRepository at = new StoreImageRepository(java.time.Clock.fixed(start, java.time.ZoneOffset.UTC));
        StoreImage img = await(at.create(pg.pool(), queued("lease", "private", project(), List.of())));
        assertTrue(await(at.startUpload(pg.pool(), img.id())));
        java.time.Instant later = start.plus(StoreImageRepository.UPLOAD_LEASE).plusSeconds(1);
        StoreImageRepository afterLease = new StoreImageRepository(
                java.time.Clock.fixed(later, java.time.ZoneOffset.UTC));

        // WHEN it renewed its lease THEN nobody may take it over
        StoreImageRepository renewing = new StoreImageRepository(java.time.Clock.fixed(
                later.minus(StoreImageRepository.UPLOAD_LEASE_RENEWAL), java.time.ZoneOffset.UTC));
        await(renewing.touchSaving(pg.pool(), img.id()));
        assertFalse(await(afterLease.startUpload(pg.pool(), img.id())));
        assertFalse(afterLease.uploadAbandoned(await(at.find(pg.pool(), img.id())).orElseThrow()));

        // WHEN it went silent for longer than the lease (its process died) THEN a new upload may start
        StoreImageRepository muchLater = new StoreImageRepository(java.time.Clock.fixed(
                later.plus(StoreImageRepository.UPLOAD_LEASE), java.time.ZoneOffset.UTC));
        assertTrue(muchLater.uploadAbandoned(await(at.find(pg.pool(), img.id())).orElseThrow()));
        assertTrue(await(muchLater.startUpload(pg.pool(), img.id())));
    }

    @Test
    void anAbortedUploadGoesBackToQueuedOrKilledWithNothingKept() {
        StoreImage img = await(repo.create(pg.pool(), queued("abort", "private", project(), List.of())));
        assertTrue(await(repo.startUpload(pg.pool(), img.id())));

        StoreImage back = await(repo.abortUpload(pg.pool(), img.id(), StoreImage.QUEUED)).orElseThrow();
        assertEquals(StoreImage.QUEUED, back.status());
        assertNull(back.location());
        assertNull(back.size());

        // AND a queued image may be uploaded again, then killed
        assertTrue(await(repo.startUpload(pg.pool(), img.id())));
        assertEquals(StoreImage.KILLED, await(repo.abortUpload(pg.pool(), img.id(), StoreImage.KILLED))
                .orElseThrow().status());
        assertFalse(await(repo.startUpload(pg.pool(), img.id())), "a killed image takes no upload");
        TestWaits.awaitFailure(repo.abortUpload(pg.pool(), img.id(), StoreImage.ACTIVE));
    }

    @Test
    void finishingAnImageDeletedMeanwhileIsEmpty() {
        StoreImage img = await(repo.create(pg.pool(), queued("race", "private", project(), List.of())));
        assertTrue(await(repo.startUpload(pg.pool(), img.id())));

        assertEquals(img.id(), await(repo.delete(pg.pool(), img.id())).orElseThrow().id());

        assertEquals(Optional.empty(), await(repo.finishUpload(pg.pool(), img.id(), "file:x", 1, MD5, SHA, null,
                List.of())));
        assertEquals(Optional.empty(), await(repo.delete(pg.pool(), img.id())));
    }

    @Test
    void updateSavesTheEditableFields() {
        StoreImage img = await(repo.create(pg.pool(), queued("before", "private", project(), List.of("x"))));
        StoreImage edited = new StoreImage(img.id(), "after", img.status(), img.containerFormat(), img.diskFormat(),
                "public", img.owner(), img.size(), img.checksum(), img.osHashAlgo(), img.osHashValue(),
                List.of("y", "z"), 5, 512, true, img.location(), img.dockerImageId(), img.repoTags(),
                img.createdAt(), img.updatedAt());

        StoreImage saved = await(repo.update(pg.pool(), edited)).orElseThrow();

        assertEquals("after", saved.name());
        assertEquals("public", saved.visibility());
        assertEquals(List.of("y", "z"), saved.tags());
        assertEquals(5, saved.minDisk());
        assertEquals(512, saved.minRam());
        assertTrue(saved.protectedImage());
    }

    @Test
    void aProjectSeesItsOwnAndPublicImagesAndCommunityOnesByName() {
        // GIVEN images of project A (private), B (private, public, community) under one unique name
        String name = "vis-" + UUID.randomUUID();
        String a = project();
        String b = project();
        StoreImage aPrivate = await(repo.create(pg.pool(), queued(name, "private", a, List.of())));
        await(repo.create(pg.pool(), queued(name, "private", b, List.of())));
        StoreImage bPublic = await(repo.create(pg.pool(), queued(name, "public", b, List.of())));
        StoreImage bCommunity = await(repo.create(pg.pool(), queued(name, "community", b, List.of())));

        // WHEN A looks them up by name THEN it sees its own, the public and the community one
        assertEquals(List.of(aPrivate.id(), bPublic.id(), bCommunity.id()),
                await(repo.findByName(pg.pool(), name, a)).stream().map(StoreImage::id).toList());
        // AND an administrator sees all four
        assertEquals(4, await(repo.findByName(pg.pool(), name, null)).size());

        // AND A's list shows its own and the public one; community ones only when asked for
        Map<String, String> byName = Map.of("name", name);
        assertEquals(List.of(aPrivate.id(), bPublic.id()),
                await(repo.list(pg.pool(), a, byName, 100, null, null, null)).stream().map(StoreImage::id).toList());
        assertEquals(List.of(bCommunity.id()), await(repo.list(pg.pool(), a, Map.of("name", name,
                "visibility", "community"), 100, null, null, null)).stream().map(StoreImage::id).toList());
        assertEquals(4, await(repo.list(pg.pool(), null, byName, 100, null, null, null)).size());
    }

    @Test
    void listPagesNewestFirstWithAMarker() {
        // GIVEN five images of one project created one after another
        String p = project();
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            StoreImage img = queued("page-" + i, "private", p, List.of());
            img = new StoreImage(img.id(), img.name(), img.status(), img.containerFormat(), img.diskFormat(),
                    img.visibility(), img.owner(), null, null, null, null, List.of(), 0, 0, false, null, null,
                    List.of(), T0.plusSeconds(i), T0.plusSeconds(i));
            ids.add(await(repo.create(pg.pool(), img)).id());
        }

        // WHEN paged newest first, two at a time
        Map<String, String> own = Map.of("owner", p);
        List<StoreImage> p1 = await(repo.list(pg.pool(), p, own, 2, null, "created_at", "desc"));
        List<StoreImage> p2 = await(repo.list(pg.pool(), p, own, 2, p1.getLast().id(), "created_at", "desc"));
        List<StoreImage> p3 = await(repo.list(pg.pool(), p, own, 2, p2.getLast().id(), "created_at", "desc"));

        // THEN the pages follow each other
        List<UUID> seen = new ArrayList<>();
        List.of(p1, p2, p3).forEach(page -> page.forEach(i -> seen.add(i.id())));
        assertEquals(ids.reversed(), seen);
        assertThrows(IllegalArgumentException.class, () -> repo.list(pg.pool(), p, Map.of("location", "x"), 2, null,
                null, null));
    }

    private static StoreImage queued(String name, String visibility, String owner, List<String> tags) {
        return StoreImage.queued(UUID.randomUUID(), name, "docker", "raw", visibility, owner, tags, 0, 0, false, T0);
    }

    private static String project() {
        return "p-" + UUID.randomUUID();
    }
}
