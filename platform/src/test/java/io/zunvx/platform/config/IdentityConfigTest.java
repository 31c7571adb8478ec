package io.zunvx.platform.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The identity settings: login limits and the optional external OpenID Connect issuer. */
class IdentityConfigTest {

    @Test
    void byDefaultThereIsNoExternalIssuerAndFiveAttemptsPerFiveMinutes() {
        ZunvxConfig.Identity id = ZunvxConfig.from(Map.of()).identity();
        assertNull(id.oidc());
        assertEquals(5, id.loginMaxFailures());
        assertEquals(Duration.ofMinutes(5), id.loginWindow());
        assertEquals(new ZunvxConfig.Identity("admin", "admin", null, Duration.ofHours(12)), id);
    }

    @Test
    void externalIssuerIsReadWithItsClaimNames() {
        // GIVEN an issuer with custom claim names and login limits
        Map<String, String> env = Map.of(
                "ZUNVX_OIDC_ISSUER", "https://idp.example/realms/zun",
                "ZUNVX_OIDC_JWKS_URL", "https://idp.example/realms/zun/protocol/openid-connect/certs",
                "ZUNVX_OIDC_AUDIENCE", "zun-api",
                "ZUNVX_OIDC_PROJECT_CLAIM", "tenant",
                "ZUNVX_OIDC_ROLES_CLAIM", "groups",
                "ZUNVX_LOGIN_MAX_FAILURES", "10",
                "ZUNVX_LOGIN_WINDOW", "15m");

        // WHEN the configuration is read
        ZunvxConfig.Identity id = ZunvxConfig.from(env).identity();

        // THEN every setting is carried
        assertEquals(new ZunvxConfig.Identity.Oidc("https://idp.example/realms/zun",
                "https://idp.example/realms/zun/protocol/openid-connect/certs", "zun-api", "tenant", "groups"),
                id.oidc());
        assertEquals(10, id.loginMaxFailures());
        assertEquals(Duration.ofMinutes(15), id.loginWindow());
    }

    @Test
    void claimNamesDefaultToProjectIdAndRoles() {
        ZunvxConfig.Identity.Oidc oidc = ZunvxConfig.from(Map.of(
                "ZUNVX_OIDC_ISSUER", "https://idp.example",
                "ZUNVX_OIDC_JWKS_URL", "https://idp.example/jwks",
                "ZUNVX_OIDC_AUDIENCE", "zun")).identity().oidc();
        assertEquals("project_id", oidc.projectClaim());
        assertEquals("roles", oidc.rolesClaim());
    }

    @Test
    void anIssuerWithoutKeysOrAudienceIsRefused() {
        // An issuer alone, or without an audience (a token minted for any other client would get in), is refused.
        for (Map<String, String> env : java.util.List.of(
                Map.of("ZUNVX_OIDC_ISSUER", "https://idp.example"),
                Map.of("ZUNVX_OIDC_ISSUER", "https://idp.example", "ZUNVX_OIDC_JWKS_URL", "https://idp.example/k"),
                Map.of("ZUNVX_OIDC_JWKS_URL", "https://idp.example/k", "ZUNVX_OIDC_AUDIENCE", "zun"))) {
            ConfigException e = assertThrows(ConfigException.class, () -> ZunvxConfig.from(env), env.toString());
            assertTrue(e.getMessage().contains("ZUNVX_OIDC_AUDIENCE"), e.getMessage());
        }
    }

    @Test
    void aJwksUrlMustBeHttp() {
        ConfigException e = assertThrows(ConfigException.class, () -> ZunvxConfig.from(Map.of(
                "ZUNVX_OIDC_ISSUER", "https://idp.example",
                "ZUNVX_OIDC_JWKS_URL", "file:///etc/keys.json",
                "ZUNVX_OIDC_AUDIENCE", "zun")));
        assertTrue(e.getMessage().contains("ZUNVX_OIDC_JWKS_URL"), e.getMessage());
    }

    @Test
    void loginLimitsMustBeUsable() {
        assertTrue(assertThrows(ConfigException.class, () -> ZunvxConfig.from(Map.of("ZUNVX_LOGIN_MAX_FAILURES", "0")))
                .getMessage().contains("ZUNVX_LOGIN_MAX_FAILURES"));
        assertTrue(assertThrows(ConfigException.class, () -> ZunvxConfig.from(Map.of("ZUNVX_LOGIN_WINDOW", "0s")))
                .getMessage().contains("ZUNVX_LOGIN_WINDOW"));
    }
}
