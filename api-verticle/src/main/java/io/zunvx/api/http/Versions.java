package io.zunvx.api.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zunvx.model.ApiVersion;
import java.util.List;

/** The version documents at {@code GET /} and {@code GET /v1}. */
public final class Versions {
    static final List<String> RESOURCES = List.of("services", "containers", "images", "networks", "hosts",
            "capsules", "availability_zones", "quotas", "quota_classes", "registries");

    private Versions() {
    }

    public static JsonObject root(String base) {
        JsonObject v1 = v1Summary(base);
        return new JsonObject()
                .put("name", "OpenStack Zun API")
                .put("description", "Zun is an OpenStack project which aims to provide containers service.")
                .put("versions", new JsonArray().add(v1))
                .put("default_version", v1.copy());
    }

    private static JsonObject v1Summary(String base) {
        return new JsonObject()
                .put("id", "v1")
                .put("status", "CURRENT")
                .put("min_version", ApiVersion.MIN.toString())
                .put("max_version", ApiVersion.MAX.toString())
                .put("links", new JsonArray().add(new JsonObject().put("href", base + "/v1/").put("rel", "self")));
    }

    public static JsonObject v1(String base) {
        JsonObject o = new JsonObject()
                .put("id", "v1")
                .put("media_types", new JsonArray().add(new JsonObject().put("base", "application/json")
                        .put("type", "application/vnd.openstack.zun.v1+json")))
                .put("links", new JsonArray()
                        .add(new JsonObject().put("href", base + "/v1/").put("rel", "self"))
                        .add(new JsonObject()
                                .put("href", "https://docs.openstack.org/developer/zun/dev/api-spec-v1.html")
                                .put("rel", "describedby").put("type", "text/html")));
        for (String r : RESOURCES) {
            o.put(r, new JsonArray()
                    .add(new JsonObject().put("href", base + "/v1/" + r + "/").put("rel", "self"))
                    .add(new JsonObject().put("href", base + "/" + r + "/").put("rel", "bookmark")));
        }
        return o;
    }
}
