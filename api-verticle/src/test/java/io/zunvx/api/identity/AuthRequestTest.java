package io.zunvx.api.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Parsing {@code POST /identity/v3/auth/tokens} bodies the way keystoneauth and openstackclient send them. */
class AuthRequestTest {

    @Test
    void passwordByNameInDomainByNameScopedToProjectByName() {
        // GIVEN the body keystoneauth sends for OS_USERNAME, OS_USER_DOMAIN_NAME, OS_PROJECT_NAME, ...
        JsonObject body = new JsonObject("""
                {"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "alice",
                  "domain": {"name": "Default"}, "password": "pw"}}},
                  "scope": {"project": {"name": "demo", "domain": {"name": "Default"}}}}}""");

        // WHEN it is parsed
        AuthRequest.ByPassword p = assertInstanceOf(AuthRequest.ByPassword.class, AuthRequest.parse(body));

        // THEN user, password and scope are all there, in the default domain
        assertEquals("alice", p.user().name());
        assertNull(p.user().id());
        assertTrue(p.user().domain().isDefault());
        assertEquals("pw", p.password());
        assertEquals("demo", p.scope().name());
        assertTrue(p.scope().domain().isDefault());
        assertFalse(p.toString().contains("pw\""), "the password stays out of logs: " + p);
    }

    @Test
    void passwordByUserIdScopedToProjectId() {
        JsonObject body = new JsonObject("""
                {"auth": {"identity": {"methods": ["password"], "password": {"user": {"id": "u1", "password": "pw"}}},
                  "scope": {"project": {"id": "p1"}}}}""");
        AuthRequest.ByPassword p = assertInstanceOf(AuthRequest.ByPassword.class, AuthRequest.parse(body));
        assertEquals("u1", p.user().id());
        assertEquals("p1", p.scope().id());
    }

    @Test
    void withoutScopeTheDefaultProjectIsMeant() {
        JsonObject body = new JsonObject("""
                {"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "a", "password": "p"}}}}}""");
        assertNull(AuthRequest.parse(body).scope());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"id\": \"default\"}", "{\"name\": \"Default\"}", "{\"name\": \"default\"}", "{}"})
    void theDefaultDomainCanBeNamedByIdOrName(String domain) {
        AuthRequest.DomainRef d = new AuthRequest.DomainRef(new JsonObject(domain).getString("id"),
                new JsonObject(domain).getString("name"));
        assertTrue(d.isDefault(), domain);
    }

    @Test
    void otherDomainsAreNotTheDefault() {
        assertFalse(new AuthRequest.DomainRef("heat", null).isDefault());
        assertFalse(new AuthRequest.DomainRef(null, "Heat").isDefault());
        assertFalse(new AuthRequest.DomainRef("Default", null).isDefault(), "domain ids are exact");
    }

    @Test
    void attemptKeysTellDomainsApartAndIgnoreDomainNameCase() {
        AuthRequest.UserRef a = new AuthRequest.UserRef(null, "bob", new AuthRequest.DomainRef(null, "Default"));
        AuthRequest.UserRef b = new AuthRequest.UserRef(null, "bob", new AuthRequest.DomainRef(null, "default"));
        AuthRequest.UserRef c = new AuthRequest.UserRef(null, "bob", new AuthRequest.DomainRef(null, "other"));
        assertEquals(a.attemptKey(), b.attemptKey());
        assertNotEquals(a.attemptKey(), c.attemptKey());
    }

    @Test
    void tokenMethodCarriesTheToken() {
        JsonObject body = new JsonObject("""
                {"auth": {"identity": {"methods": ["token"], "token": {"id": "abc"}},
                  "scope": {"project": {"id": "p2"}}}}""");
        AuthRequest.ByToken t = assertInstanceOf(AuthRequest.ByToken.class, AuthRequest.parse(body));
        assertEquals("abc", t.token());
        assertEquals("p2", t.scope().id());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{}",
        "{\"auth\": {}}",
        "{\"auth\": {\"identity\": {}}}",
        "{\"auth\": {\"identity\": {\"methods\": []}}}",
        "{\"auth\": {\"identity\": {\"methods\": [\"password\"]}}}",
        "{\"auth\": {\"identity\": {\"methods\": [\"password\"], \"password\": {\"user\": {\"name\": \"a\"}}}}}",
        "{\"auth\": {\"identity\": {\"methods\": [\"password\"], \"password\": {\"user\": {\"password\": \"p\"}}}}}",
        "{\"auth\": {\"identity\": {\"methods\": [\"password\"], \"password\": {\"user\": {\"name\": 5, \"password\": \"p\"}}}}}",
        "{\"auth\": {\"identity\": {\"methods\": [\"password\"], \"password\": {\"user\": {\"name\": \"a\", \"password\": \"p\"}}},"
            + " \"scope\": {\"domain\": {\"id\": \"default\"}}}}",
        "{\"auth\": {\"identity\": {\"methods\": [\"password\"], \"password\": {\"user\": {\"name\": \"a\", \"password\": \"p\"}}},"
            + " \"scope\": {\"project\": {}}}}",
        "{\"auth\": {\"identity\": {\"methods\": [\"token\"], \"token\": {}}}}",
    })
    void malformedBodiesAreBadRequests(String json) {
        KeystoneError e = assertThrows(KeystoneError.class, () -> AuthRequest.parse(new JsonObject(json)));
        assertEquals(400, e.status(), json);
        assertEquals("Bad Request", e.body().getJsonObject("error").getString("title"));
    }

    @Test
    void unsupportedMethodIsUnauthorized() {
        JsonObject body = new JsonObject("""
                {"auth": {"identity": {"methods": ["totp"], "totp": {}}}}""");
        KeystoneError e = assertThrows(KeystoneError.class, () -> AuthRequest.parse(body));
        assertEquals(401, e.status());
    }
}
