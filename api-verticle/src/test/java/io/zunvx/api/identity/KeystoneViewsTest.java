package io.zunvx.api.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Keystone's JSON shapes that keystoneauth and python-zunclient read. */
class KeystoneViewsTest {
    private final KeystoneViews views = new KeystoneViews("http://zun.example:9517");

    @Test
    void tokenBodyHasKeystonesFieldsAndTimestampsWithMicroseconds() {
        // GIVEN a token subject with two roles
        var roles = List.of(new IdentityStore.Role("r1", "member", ""), new IdentityStore.Role("r2", "reader", ""));
        var subject = new KeystoneViews.TokenSubject("u1", "alice", "p1", "demo", roles);

        // WHEN the body is rendered
        JsonObject t = views.token(subject, List.of("password"), Instant.parse("2030-01-02T03:04:05Z"),
                Instant.parse("2030-01-02T15:04:05.123456789Z"), "4bad2aa0-2bb5-4561-b642-3f2f7ea6e0dc", true)
                .getJsonObject("token");

        // THEN it has Keystone's fields
        assertEquals(new JsonArray().add("password"), t.getJsonArray("methods"));
        assertEquals("2030-01-02T03:04:05.000000Z", t.getString("issued_at"));
        assertEquals("2030-01-02T15:04:05.123456Z", t.getString("expires_at"));
        JsonObject user = t.getJsonObject("user");
        assertEquals("u1", user.getString("id"));
        assertEquals("alice", user.getString("name"));
        assertEquals(new JsonObject().put("id", "default").put("name", "Default"), user.getJsonObject("domain"));
        assertTrue(user.containsKey("password_expires_at"));
        assertNull(user.getValue("password_expires_at"));
        assertEquals("p1", t.getJsonObject("project").getString("id"));
        assertEquals("demo", t.getJsonObject("project").getString("name"));
        assertEquals(new JsonArray().add(new JsonObject().put("id", "r1").put("name", "member"))
                .add(new JsonObject().put("id", "r2").put("name", "reader")), t.getJsonArray("roles"));
        assertTrue(t.getJsonArray("audit_ids").getString(0).matches("[A-Za-z0-9_-]{22}"), t.encode());
    }

    @Test
    void catalogOffersZunAsContainerThisIdentityServiceTheImageStoreNetworksAndVolumesOnEveryInterface() {
        JsonArray catalog = views.catalog("p1");
        assertEquals(6, catalog.size());
        JsonObject zun = catalog.getJsonObject(0);
        assertEquals("container", zun.getString("type"));
        assertEquals("zun", zun.getString("name"));
        JsonArray endpoints = zun.getJsonArray("endpoints");
        assertEquals(3, endpoints.size());
        for (int i = 0; i < 3; i++) {
            JsonObject e = endpoints.getJsonObject(i);
            assertEquals(List.of("public", "internal", "admin").get(i), e.getString("interface"));
            assertEquals("http://zun.example:9517/v1", e.getString("url"));
            assertEquals("RegionOne", e.getString("region"));
            assertEquals("RegionOne", e.getString("region_id"));
        }
        JsonObject keystone = catalog.getJsonObject(1);
        assertEquals("identity", keystone.getString("type"));
        assertEquals("http://zun.example:9517/identity/v3",
                keystone.getJsonArray("endpoints").getJsonObject(0).getString("url"));
        JsonObject glance = catalog.getJsonObject(2);
        assertEquals("image", glance.getString("type"));
        assertEquals("glance", glance.getString("name"));
        assertEquals(3, glance.getJsonArray("endpoints").size());
        assertEquals("http://zun.example:9517/image",
                glance.getJsonArray("endpoints").getJsonObject(0).getString("url"));
        JsonObject neutron = catalog.getJsonObject(3);
        assertEquals("network", neutron.getString("type"));
        assertEquals("neutron", neutron.getString("name"));
        assertEquals("http://zun.example:9517/network",
                neutron.getJsonArray("endpoints").getJsonObject(0).getString("url"));
        for (int i : List.of(4, 5)) {
            JsonObject cinder = catalog.getJsonObject(i);
            assertEquals(List.of("volumev3", "block-storage").get(i - 4), cinder.getString("type"));
            assertEquals("http://zun.example:9517/volume/v3/p1",
                    cinder.getJsonArray("endpoints").getJsonObject(0).getString("url"));
        }
        assertEquals(catalog, new KeystoneViews("http://zun.example:9517").catalog("p1"), "ids are stable");
        assertEquals(4, views.catalog(null).size(), "volumes need a project");
    }

    @Test
    void withoutCatalogThereIsNoCatalogKey() {
        var subject = new KeystoneViews.TokenSubject("u", "u", "p", "p", List.of());
        assertFalse(views.token(subject, List.of("token"), Instant.EPOCH, Instant.EPOCH, null, false)
                .getJsonObject("token").containsKey("catalog"));
    }

    @Test
    void versionDocumentsPointAtTheV3Root() {
        JsonObject v3 = views.version().getJsonObject("version");
        assertEquals("v3.14", v3.getString("id"));
        assertEquals("stable", v3.getString("status"));
        assertEquals("http://zun.example:9517/identity/v3/",
                v3.getJsonArray("links").getJsonObject(0).getString("href"));
        assertEquals("application/vnd.openstack.identity-v3+json",
                v3.getJsonArray("media-types").getJsonObject(0).getString("type"));
        assertEquals(v3, views.versions().getJsonObject("versions").getJsonArray("values").getJsonObject(0));
    }

    @Test
    void usersAreShownWithoutAnyPassword() {
        JsonObject u = views.user(new IdentityStore.User("u1", "alice", "default", "pbkdf2-sha256$1$x$y", true,
                "p1", ""));
        assertFalse(u.encode().contains("pbkdf2"), u.encode());
        assertFalse(u.containsKey("password"));
        assertEquals("p1", u.getString("default_project_id"));
        assertEquals("http://zun.example:9517/identity/v3/users/u1", u.getJsonObject("links").getString("self"));
    }

    @Test
    void impliedRolesFollowKeystonesDefaults() {
        var admin = new IdentityStore.Role("a", "admin", "");
        var member = new IdentityStore.Role("m", "member", "");
        var reader = new IdentityStore.Role("r", "reader", "");
        var known = List.of(admin, member, reader);
        assertEquals(known, ImpliedRoles.expand(List.of(admin), known));
        assertEquals(List.of(member, reader), ImpliedRoles.expand(List.of(member), known));
        assertEquals(List.of(reader), ImpliedRoles.expand(List.of(reader), known));
        assertEquals(List.of(reader, admin, member), ImpliedRoles.expand(List.of(reader, admin), known));
    }
}
