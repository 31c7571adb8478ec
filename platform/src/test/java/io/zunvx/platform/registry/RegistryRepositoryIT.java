package io.zunvx.platform.registry;

import static io.zunvx.platform.db.TestWaits.await;
import static io.zunvx.platform.db.TestWaits.awaitFailure;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Tuple;
import io.zunvx.model.Registry;
import io.zunvx.platform.db.PgSession;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Registries on a real PostgreSQL: passwords sealed at rest, never in the model, names unique per project. */
class RegistryRepositoryIT {
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static final byte[] KEY = new byte[32];

    @RegisterExtension
    static final PgSession pg = PgSession.perClass(4);
    private final RegistryRepository repo = new RegistryRepository(new CredentialCipher(KEY));

    @BeforeAll
    static void makeKey() {
        KEY[0] = 7;
    }

    @Test
    void createdRegistryIsStoredWithItsPasswordSealed() {
        // GIVEN a new registry with a password
        String project = project();
        Registry r = registry(project, "reg", "127.0.0.1:5000", "alice");

        // WHEN it is created
        Registry stored = await(repo.create(pg.pool(), r, "Pa55-word"));

        // THEN the record says a password is set but holds none, and finding it gives the same record
        assertTrue(stored.hasPassword());
        assertEquals(T0, stored.createdAt());
        assertNull(stored.updatedAt());
        assertEquals(Optional.of(stored), await(repo.find(pg.pool(), r.uuid())));

        // AND the column holds ciphertext, not the password
        byte[] enc = await(pg.pool().preparedQuery("SELECT password_enc FROM registries WHERE uuid = $1")
                .execute(Tuple.of(r.uuid()))).iterator().next().getBuffer(0).getBytes();
        assertFalse(new String(enc, StandardCharsets.ISO_8859_1).contains("Pa55-word"));

        // AND the credentials come back decrypted
        assertEquals(Optional.of(new RegistryRepository.Credentials("127.0.0.1:5000", "alice", "Pa55-word")),
                await(repo.credentials(pg.pool(), r.uuid())));
    }

    @Test
    void registryWithoutPasswordHasNoneAndCredentialsSayNull() {
        Registry r = registry(project(), null, "docker.io", null);

        Registry stored = await(repo.create(pg.pool(), r, null));

        assertFalse(stored.hasPassword());
        assertEquals(Optional.of(new RegistryRepository.Credentials("docker.io", null, null)),
                await(repo.credentials(pg.pool(), r.uuid())));
        assertEquals(Optional.empty(), await(repo.credentials(pg.pool(), UUID.randomUUID())));
    }

    @Test
    void nameIsUniqueWithinAProjectOnly() {
        // GIVEN a registry named "shared" in project A
        String a = project();
        String b = project();
        await(repo.create(pg.pool(), registry(a, "shared", "r.example", "u"), "p"));

        // WHEN another is named so in A THEN the unique violation surfaces
        Throwable t = awaitFailure(repo.create(pg.pool(), registry(a, "shared", "r2.example", "u"), "p"));
        assertInstanceOf(PgException.class, t);
        assertEquals("23505", ((PgException) t).getSqlState());

        // AND in project B the name is free, and unnamed registries never clash
        await(repo.create(pg.pool(), registry(b, "shared", "r.example", "u"), "p"));
        await(repo.create(pg.pool(), registry(a, null, "x.example", null), null));
        await(repo.create(pg.pool(), registry(a, null, "x.example", null), null));

        // AND finding by name is per project, or across projects when none is given
        assertEquals(1, await(repo.findByName(pg.pool(), a, "shared")).size());
        assertEquals(2, await(repo.findByName(pg.pool(), null, "shared")).stream()
                .filter(r -> r.projectId().equals(a) || r.projectId().equals(b)).count());
    }

    @Test
    void updateChangesOnlyWhatIsGivenAndResealsANewPassword() {
        // GIVEN a registry
        Registry r = await(repo.create(pg.pool(), registry(project(), "upd", "old.example", "old-user"), "old-pass"));
        byte[] before = sealed(r.uuid());

        // WHEN only the user name changes
        Registry u1 = await(repo.update(pg.pool(), r.uuid(), null, null, "new-user", null)).orElseThrow();

        // THEN name, domain and the sealed password stay as they were
        assertEquals("upd", u1.name());
        assertEquals("old.example", u1.domain());
        assertEquals("new-user", u1.username());
        assertArrayEquals(before, sealed(r.uuid()));
        assertTrue(u1.updatedAt() != null);

        // WHEN the password changes THEN the new one is sealed and comes back
        await(repo.update(pg.pool(), r.uuid(), "renamed", "new.example", null, "new-pass"));
        assertEquals(new RegistryRepository.Credentials("new.example", "new-user", "new-pass"),
                await(repo.credentials(pg.pool(), r.uuid())).orElseThrow());
        assertEquals("renamed", await(repo.find(pg.pool(), r.uuid())).orElseThrow().name());

        // AND updating a missing registry is empty
        assertEquals(Optional.empty(), await(repo.update(pg.pool(), UUID.randomUUID(), "x", null, null, null)));
    }

    @Test
    void deleteRemovesTheRegistryOnce() {
        Registry r = await(repo.create(pg.pool(), registry(project(), "gone", "r.example", "u"), "p"));

        assertTrue(await(repo.delete(pg.pool(), r.uuid())));
        assertFalse(await(repo.delete(pg.pool(), r.uuid())));
        assertEquals(Optional.empty(), await(repo.find(pg.pool(), r.uuid())));
    }

    @Test
    void byDomainFindsTheProjectsRegistriesForAHostOldestFirst() {
        String p = project();
        Registry first = await(repo.create(pg.pool(), registry(p, "one", "127.0.0.1:5000", "u"), "p"));
        Registry second = await(repo.create(pg.pool(), registry(p, "two", "127.0.0.1:5000", "v"), "q"));
        await(repo.create(pg.pool(), registry(p, "three", "other.example", "w"), "r"));
        await(repo.create(pg.pool(), registry(project(), "four", "127.0.0.1:5000", "x"), "s"));

        List<Registry> found = await(repo.byDomain(pg.pool(), p, "127.0.0.1:5000"));

        assertEquals(List.of(first.uuid(), second.uuid()), found.stream().map(Registry::uuid).toList());
    }

    @Test
    void listPagesWithMarkerFiltersAndSorts() {
        // GIVEN five registries in a project
        String p = project();
        for (String n : List.of("e", "c", "a", "d", "b")) {
            await(repo.create(pg.pool(), registry(p, n, n + ".example", n.equals("a") ? "admin" : "user"), "x"));
        }

        // WHEN paged two at a time by name
        List<Registry> page1 = await(repo.list(pg.pool(), p, Map.of(), 2, null, "name", "asc"));
        List<Registry> page2 = await(repo.list(pg.pool(), p, Map.of(), 2, page1.get(1).uuid(), "name", "asc"));
        List<Registry> page3 = await(repo.list(pg.pool(), p, Map.of(), 2, page2.get(1).uuid(), "name", "asc"));

        // THEN pages follow each other
        assertEquals(List.of("a", "b", "c", "d", "e"), java.util.stream.Stream.of(page1, page2, page3)
                .flatMap(List::stream).map(Registry::name).toList());

        // AND descending, filters, and the default id order work
        assertEquals("e", await(repo.list(pg.pool(), p, Map.of(), 1, null, "name", "desc")).getFirst().name());
        assertEquals(List.of("a"), await(repo.list(pg.pool(), p, Map.of("username", "admin"), 10, null, null, null))
                .stream().map(Registry::name).toList());
        assertEquals(List.of("e", "c", "a", "d", "b"), await(repo.list(pg.pool(), p, Map.of(), 10, null, null, null))
                .stream().map(Registry::name).toList());
        assertTrue(await(repo.list(pg.pool(), null, Map.of("project_id", p), 10, null, "id", "asc")).size() == 5);

        // AND unknown sort keys and filters are refused
        assertThrows(IllegalArgumentException.class,
                () -> repo.list(pg.pool(), p, Map.of(), 10, null, "password", null));
        assertThrows(IllegalArgumentException.class,
                () -> repo.list(pg.pool(), p, Map.of("password_enc", "x"), 10, null, null, null));
    }

    @Test
    void aPasswordSealedWithAnotherKeyFailsToOpen() {
        // GIVEN a registry whose password was sealed with another key
        Registry r = await(repo.create(pg.pool(), registry(project(), "rekeyed", "r.example", "u"), "p"));
        byte[] other = new byte[32];
        other[0] = 9;
        Buffer foreign = Buffer.buffer(new CredentialCipher(other).encrypt("p"));
        await(pg.pool().preparedQuery("UPDATE registries SET password_enc = $2 WHERE uuid = $1")
                .execute(Tuple.of(r.uuid(), foreign)));

        // WHEN its credentials are read THEN that fails clearly
        Throwable t = awaitFailure(repo.credentials(pg.pool(), r.uuid()));
        assertInstanceOf(IllegalArgumentException.class, t);
    }

    private static byte[] sealed(UUID uuid) {
        return await(pg.pool().preparedQuery("SELECT password_enc FROM registries WHERE uuid = $1")
                .execute(Tuple.of(uuid))).iterator().next().getBuffer(0).getBytes();
    }

    private static Registry registry(String project, String name, String domain, String user) {
        return new Registry(UUID.randomUUID(), name, domain, user, false, project, "user-1", T0, null);
    }

    private static String project() {
        return "p-" + UUID.randomUUID();
    }
}
