package io.zunvx.api.registry;

import io.zunvx.api.http.Schema;
import io.zunvx.api.http.Py;
import io.zunvx.api.container.ContainerFields;
import io.zunvx.api.image.ImageReference;

import io.vertx.core.json.JsonObject;
import io.zunvx.platform.error.ZunException;
import java.util.List;

/**
 * A validated {@code POST /v1/registries} or {@code PATCH /v1/registries/{r}} body (reference §3.9):
 * {@code {"registry": {"name"?, "domain", "username"?, "password"?}}}, checked with Zun's schema and texts (the
 * first failing field in Zun's property order, then required properties, then unknown ones). On create
 * {@code domain} is required. Beyond Zun, a {@code domain} must be a registry host ({@code host[:port]}), which is
 * what Docker's credentials are keyed by.
 *
 * @param name     name (unique in the project), or {@code null} for none / keep
 * @param domain   registry host, or {@code null} to keep (update only)
 * @param username user name, or {@code null} for none / keep
 * @param password password, or {@code null} for none / keep
 */
public record RegistryRequest(String name, String domain, String username, String password) {
    private static final List<String> FIELDS = List.of("name", "domain", "username", "password");

    /** The body of a create. */
    public static RegistryRequest create(JsonObject body) {
        return parse(body, true);
    }

    /** The body of an update: every field optional. */
    public static RegistryRequest update(JsonObject body) {
        return parse(body, false);
    }

    /** Whether the update changes nothing. */
    public boolean isEmpty() {
        return name == null && domain == null && username == null && password == null;
    }

    @Override
    public String toString() {
        return "RegistryRequest[name=" + name + ", domain=" + domain + ", username=" + username + ", password="
                + (password == null ? null : "***") + "]";
    }

    private static RegistryRequest parse(JsonObject body, boolean create) {
        if (body == null) {
            throw Schema.root(Schema.typeMessage(null, "object"));
        }
        Schema.Site b = Schema.BODY;
        if (body.containsKey("registry")) {
            Object value = body.getValue("registry");
            Schema.type(b, "registry", value, "object");
            JsonObject r = Schema.object(value);
            for (String f : FIELDS) {
                if (!r.containsKey(f)) {
                    continue;
                }
                Object v = r.getValue(f);
                switch (f) {
                    case "name" -> ContainerFields.name(b, f, v);
                    case "domain" -> {
                        Schema.type(b, f, v, "string");
                        Schema.minLength(b, f, v, 1);
                        Schema.maxLength(b, f, v, 255);
                    }
                    default -> {
                        Schema.type(b, f, v, "string", "null");
                        Schema.minLength(b, f, v, 1);
                        Schema.maxLength(b, f, v, 255);
                    }
                }
            }
            List<String> extras = Schema.extras(r, FIELDS);
            if (!extras.isEmpty()) {
                throw b.fail("registry", r, Schema.additionalMessage(extras));
            }
            if (create && !r.containsKey("domain")) {
                throw b.fail("registry", r, Schema.requiredMessage("domain"));
            }
        }
        if (!body.containsKey("registry")) {
            throw Schema.root(Schema.requiredMessage("registry"));
        }
        ContainerFields.noAdditional(body, List.of("registry"));
        JsonObject r = body.getJsonObject("registry");
        String domain = r.getString("domain");
        if (domain != null && !ImageReference.isDomain(domain)) {
            throw ZunException.invalid("Invalid registry domain " + Py.reprString(domain)
                    + ": it must be a registry host with an optional port, e.g. registry.example.com or "
                    + "127.0.0.1:5000.");
        }
        return new RegistryRequest(r.getString("name"), domain, r.getString("username"), r.getString("password"));
    }
}
