package io.zunvx.api.identity;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/** Keystone v3's JSON shapes: version documents, tokens with their catalog, projects, users, roles, assignments. */
final class KeystoneViews {
    static final String VERSION = "v3.14";
    static final String REGION = "RegionOne";
    private static final DateTimeFormatter MICROS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
    private static final JsonObject DEFAULT_DOMAIN =
            new JsonObject().put("id", IdentityStore.DEFAULT_DOMAIN).put("name", "Default");

    private final String publicUrl;

    /** @param publicUrl the API's public base URL (no trailing slash) */
    KeystoneViews(String publicUrl) {
        this.publicUrl = publicUrl;
    }

    String identityUrl() {
        return publicUrl + "/identity/v3";
    }

    // ---- version documents ----------------------------------------------------------------------------------------

    JsonObject v3() {
        return new JsonObject()
                .put("id", VERSION)
                .put("status", "stable")
                .put("updated", "2020-04-07T00:00:00Z")
                .put("links", new JsonArray().add(new JsonObject().put("rel", "self").put("href", identityUrl() + "/")))
                .put("media-types", new JsonArray().add(new JsonObject().put("base", "application/json")
                        .put("type", "application/vnd.openstack.identity-v3+json")));
    }

    /** {@code GET /identity/v3}. */
    JsonObject version() {
        return new JsonObject().put("version", v3());
    }

    /** {@code GET /identity}: Keystone answers it with 300 Multiple Choices. */
    JsonObject versions() {
        return new JsonObject().put("versions", new JsonObject().put("values", new JsonArray().add(v3())));
    }

    // ---- tokens ---------------------------------------------------------------------------------------------------

    /** The subject of a token body. */
    record TokenSubject(String userId, String userName, String projectId, String projectName,
                        List<IdentityStore.Role> roles) {
    }

    JsonObject token(TokenSubject s, List<String> methods, Instant issuedAt, Instant expiresAt, String auditId,
                     boolean withCatalog) {
        JsonArray roles = new JsonArray();
        s.roles().forEach(r -> roles.add(new JsonObject().put("id", r.id()).put("name", r.name())));
        JsonObject t = new JsonObject()
                .put("methods", new JsonArray(List.copyOf(methods)))
                .put("user", new JsonObject().put("id", s.userId()).put("name", s.userName())
                        .put("domain", DEFAULT_DOMAIN.copy()).put("password_expires_at", (Object) null))
                .put("audit_ids", auditId == null ? new JsonArray() : new JsonArray().add(auditId(auditId)))
                .put("issued_at", timestamp(issuedAt))
                .put("expires_at", timestamp(expiresAt))
                .put("project", new JsonObject().put("id", s.projectId()).put("name", s.projectName())
                        .put("domain", DEFAULT_DOMAIN.copy()))
                .put("is_domain", false)
                .put("roles", roles);
        if (withCatalog) {
            t.put("catalog", catalog(s.projectId()));
        }
        return new JsonObject().put("token", t);
    }

    /**
     * The service catalog, on every interface: Zun (type {@code container}), this identity service, the image
     * store (type {@code image}, Glance's v2 subset at {@code <public url>/image}), the networks (type {@code
     * network}, Neutron's v2.0 subset at {@code <public url>/network}) and, for a token scoped to a project, volumes
     * (types {@code volumev3} and {@code block-storage}, Cinder's v3 subset at
     * {@code <public url>/volume/v3/<project id>}).
     */
    JsonArray catalog(String projectId) {
        JsonArray c = new JsonArray()
                .add(service("container", "zun", publicUrl + "/v1"))
                .add(service("identity", "keystone", identityUrl()))
                .add(service("image", "glance", publicUrl + "/image"))
                .add(service("network", "neutron", publicUrl + "/network"));
        if (projectId != null) {
            String volumes = publicUrl + "/volume/v3/" + projectId;
            c.add(service("volumev3", "cinderv3", volumes)).add(service("block-storage", "cinder", volumes));
        }
        return c;
    }

    private static JsonObject service(String type, String name, String url) {
        JsonArray endpoints = new JsonArray();
        for (String iface : List.of("public", "internal", "admin")) {
            endpoints.add(new JsonObject()
                    .put("id", stableId("endpoint/" + type + "/" + iface))
                    .put("interface", iface)
                    .put("region", REGION)
                    .put("region_id", REGION)
                    .put("url", url));
        }
        return new JsonObject().put("id", stableId("service/" + type)).put("type", type).put("name", name)
                .put("endpoints", endpoints);
    }

    /** Ids that stay the same across restarts and instances, so clients caching the catalog see no churn. */
    private static String stableId(String what) {
        return UUID.nameUUIDFromBytes(("zunvx/" + what).getBytes(StandardCharsets.UTF_8)).toString().replace("-", "");
    }

    /** Keystone's audit ids are 22 URL-safe Base64 characters; a UUID token id is written the same way. */
    static String auditId(String tokenId) {
        try {
            UUID u = UUID.fromString(tokenId);
            ByteBuffer b = ByteBuffer.allocate(16);
            b.putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
            return Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
        } catch (IllegalArgumentException e) {
            return tokenId;
        }
    }

    static String timestamp(Instant t) {
        return MICROS.format(t);
    }

    // ---- resources ------------------------------------------------------------------------------------------------

    JsonObject project(IdentityStore.Project p) {
        return new JsonObject()
                .put("id", p.id())
                .put("name", p.name())
                .put("domain_id", p.domainId())
                .put("description", p.description())
                .put("enabled", p.enabled())
                .put("parent_id", p.domainId())
                .put("is_domain", false)
                .put("tags", new JsonArray())
                .put("options", new JsonObject())
                .put("links", self("/projects/" + p.id()));
    }

    /** A user as Keystone shows it: never with its password or hash. */
    JsonObject user(IdentityStore.User u) {
        JsonObject o = new JsonObject()
                .put("id", u.id())
                .put("name", u.name())
                .put("domain_id", u.domainId())
                .put("enabled", u.enabled())
                .put("description", u.description())
                .put("password_expires_at", (Object) null)
                .put("options", new JsonObject())
                .put("links", self("/users/" + u.id()));
        if (u.defaultProjectId() != null) {
            o.put("default_project_id", u.defaultProjectId());
        }
        return o;
    }

    /** The one domain, {@code default}, in Keystone's shape. */
    JsonObject domain() {
        return new JsonObject()
                .put("id", IdentityStore.DEFAULT_DOMAIN)
                .put("name", "Default")
                .put("description", "The default domain")
                .put("enabled", true)
                .put("tags", new JsonArray())
                .put("options", new JsonObject())
                .put("links", self("/domains/" + IdentityStore.DEFAULT_DOMAIN));
    }

    JsonObject role(IdentityStore.Role r) {
        return new JsonObject()
                .put("id", r.id())
                .put("name", r.name())
                .put("domain_id", (Object) null)
                .put("description", r.description())
                .put("options", new JsonObject())
                .put("links", self("/roles/" + r.id()));
    }

    JsonObject assignment(IdentityStore.Assignment a, boolean names) {
        JsonObject role = new JsonObject().put("id", a.roleId());
        JsonObject user = new JsonObject().put("id", a.userId());
        JsonObject project = new JsonObject().put("id", a.projectId());
        if (names) {
            role.put("name", a.roleName());
            user.put("name", a.userName()).put("domain", DEFAULT_DOMAIN.copy());
            project.put("name", a.projectName()).put("domain", DEFAULT_DOMAIN.copy());
        }
        return new JsonObject()
                .put("role", role)
                .put("user", user)
                .put("scope", new JsonObject().put("project", project))
                .put("links", new JsonObject().put("assignment", identityUrl() + "/projects/" + a.projectId()
                        + "/users/" + a.userId() + "/roles/" + a.roleId()));
    }

    /** A collection body: {@code {"<key>": [...], "links": {"self": ..., "previous": null, "next": null}}}. */
    JsonObject collection(String key, JsonArray items, String path) {
        return new JsonObject().put(key, items).put("links", new JsonObject()
                .put("self", identityUrl() + path).put("previous", (Object) null).put("next", (Object) null));
    }

    private JsonObject self(String path) {
        return new JsonObject().put("self", identityUrl() + path);
    }
}
