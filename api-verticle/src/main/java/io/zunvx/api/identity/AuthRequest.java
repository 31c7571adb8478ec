package io.zunvx.api.identity;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Locale;

/**
 * The body of {@code POST /identity/v3/auth/tokens}, as keystoneauth sends it:
 * {@code {"auth": {"identity": {"methods": ["password"], "password": {"user": {...}}}, "scope": {"project": {...}}}}}.
 * Users and projects are named by id, or by name within a domain (by id or name; absent = the default domain).
 */
sealed interface AuthRequest {
    /** The project to scope to; {@code null} = the user's default project. */
    ProjectRef scope();

    /** The password method. */
    record ByPassword(UserRef user, String password, ProjectRef scope) implements AuthRequest {
        @Override
        public String toString() {
            return "ByPassword[user=" + user + ", scope=" + scope + "]";
        }
    }

    /** The token method: a token of ours exchanged for one scoped elsewhere. */
    record ByToken(String token, ProjectRef scope) implements AuthRequest {
        @Override
        public String toString() {
            return "ByToken[scope=" + scope + "]";
        }
    }

    /** A domain named by id or by name; both {@code null} = the default domain. */
    record DomainRef(String id, String name) {
        static final DomainRef DEFAULT = new DomainRef(null, null);

        boolean isDefault() {
            if (id != null) {
                return IdentityStore.DEFAULT_DOMAIN.equals(id);
            }
            return name == null || IdentityStore.DEFAULT_DOMAIN.equals(name.toLowerCase(Locale.ROOT));
        }
    }

    record UserRef(String id, String name, DomainRef domain) {
        /** What login attempts are counted under while the user is not (yet) known. */
        String attemptKey() {
            return id != null ? "id:" + id
                    : "name:" + (domain.id() != null ? "id=" + domain.id()
                    : "name=" + (domain.name() == null ? "default" : domain.name().toLowerCase(Locale.ROOT)))
                    + "/" + name;
        }
    }

    record ProjectRef(String id, String name, DomainRef domain) {
    }

    static AuthRequest parse(JsonObject body) {
        JsonObject auth = object(body, "auth", "the request");
        JsonObject identity = object(auth, "identity", "auth");
        JsonArray methods = identity.getValue("methods") instanceof JsonArray a ? a : null;
        if (methods == null || methods.isEmpty()) {
            throw malformed("methods", "identity");
        }
        ProjectRef scope = scope(auth.getValue("scope"));
        if (methods.contains("password")) {
            JsonObject user = object(object(identity, "password", "identity"), "user", "password");
            String password = string(user, "password");
            if (password == null) {
                throw malformed("password", "user");
            }
            String id = string(user, "id");
            String name = string(user, "name");
            if (id == null && name == null) {
                throw malformed("id or name", "user");
            }
            return new ByPassword(new UserRef(id, name, domain(user)), password, scope);
        }
        if (methods.contains("token")) {
            String token = string(object(identity, "token", "identity"), "id");
            if (token == null) {
                throw malformed("id", "token");
            }
            return new ByToken(token, scope);
        }
        throw new KeystoneError(401, "Unauthorized", "Attempted to authenticate with an unsupported method.");
    }

    private static ProjectRef scope(Object scope) {
        if (scope == null || "unscoped".equals(scope)) {
            return null;
        }
        if (!(scope instanceof JsonObject s)) {
            throw malformed("scope", "auth");
        }
        if (!(s.getValue("project") instanceof JsonObject p)) {
            throw KeystoneError.badRequest("Only project scope is supported.");
        }
        String id = string(p, "id");
        String name = string(p, "name");
        if (id == null && name == null) {
            throw malformed("id or name", "project");
        }
        return new ProjectRef(id, name, domain(p));
    }

    private static DomainRef domain(JsonObject o) {
        Object d = o.getValue("domain");
        if (d == null) {
            return DomainRef.DEFAULT;
        }
        if (!(d instanceof JsonObject domain)) {
            throw malformed("domain", "user");
        }
        return new DomainRef(string(domain, "id"), string(domain, "name"));
    }

    private static JsonObject object(JsonObject parent, String key, String where) {
        if (parent == null || !(parent.getValue(key) instanceof JsonObject o)) {
            throw malformed(key, where);
        }
        return o;
    }

    private static String string(JsonObject o, String key) {
        Object v = o.getValue(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof String s)) {
            throw KeystoneError.badRequest("Invalid input for field '" + key + "': not a string.");
        }
        return s;
    }

    private static KeystoneError malformed(String what, String where) {
        return KeystoneError.badRequest("Expecting to find " + what + " in " + where + ". The server could not "
                + "comply with the request since it is either malformed or otherwise incorrect. The client is "
                + "assumed to be in error.");
    }
}
