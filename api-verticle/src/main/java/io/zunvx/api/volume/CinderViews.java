package io.zunvx.api.volume;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zunvx.model.Volume;
import io.zunvx.platform.auth.Identity;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Cinder v3's JSON shapes for volumes, their attachments and the version documents. */
final class CinderViews {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS")
            .withZone(ZoneOffset.UTC);

    private final String publicUrl;

    CinderViews(String publicUrl) {
        this.publicUrl = publicUrl;
    }

    /** A volume in full ({@code GET /volumes/{id}}, {@code /volumes/detail}); hosts and owners for admins only. */
    JsonObject detail(Volume v, Identity who) {
        JsonArray attachments = new JsonArray();
        for (Volume.Attachment a : v.attachments()) {
            attachments.add(new JsonObject()
                    .put("id", v.uuid().toString())
                    .put("attachment_id", a.id().toString())
                    .put("volume_id", v.uuid().toString())
                    .put("server_id", a.containerUuid().toString())
                    .put("host_name", who.isAdmin() ? v.host() : null)
                    .put("device", a.mountPath())
                    .put("attached_at", time(a.attachedAt())));
        }
        JsonObject o = new JsonObject()
                .put("id", v.uuid().toString())
                .put("name", v.name())
                .put("description", v.description())
                .put("size", v.size())
                .put("status", v.status())
                .put("attachments", attachments)
                .put("availability_zone", "nova")
                .put("bootable", "false")
                .put("encrypted", false)
                .put("multiattach", false)
                .put("created_at", time(v.createdAt()))
                .put("updated_at", time(v.updatedAt()))
                .put("user_id", v.userId())
                .put("metadata", metadata(v))
                .put("volume_type", "__DEFAULT__")
                .put("snapshot_id", null)
                .put("source_volid", null)
                .put("consistencygroup_id", null)
                .put("replication_status", null)
                .put("migration_status", null)
                .put("group_id", null)
                .put("links", links(v));
        if (who.isAdmin()) {
            o.put("os-vol-tenant-attr:tenant_id", v.projectId());
            o.put("os-vol-host-attr:host", v.host());
        }
        return o;
    }

    /**
     * The volume's metadata: users cannot set any (400), so it carries what the platform says of the volume, as
     * strings, where Cinder's clients and schemas accept it: {@code zunvx:size_enforced} ({@code "true"} when the host
     * holds writes to the size, {@code "false"} when not, absent until the host made the volume) and
     * {@code zunvx:status_reason} (why a volume is in {@code error}).
     */
    private static JsonObject metadata(Volume v) {
        JsonObject m = new JsonObject();
        if (v.sizeEnforced() != null) {
            m.put("zunvx:size_enforced", v.sizeEnforced().toString());
        }
        if (v.statusReason() != null) {
            m.put("zunvx:status_reason", v.statusReason());
        }
        return m;
    }

    /** A volume in a plain list ({@code GET /volumes}). */
    JsonObject summary(Volume v) {
        return new JsonObject().put("id", v.uuid().toString()).put("name", v.name()).put("links", links(v));
    }

    private JsonArray links(Volume v) {
        String path = "/volume/v3/" + v.projectId() + "/volumes/" + v.uuid();
        return new JsonArray()
                .add(new JsonObject().put("rel", "self").put("href", publicUrl + path))
                .add(new JsonObject().put("rel", "bookmark").put("href", publicUrl + path.replace("/v3/", "/")));
    }

    /** The v3 version document: the microversions this subset speaks are 3.0 only. */
    JsonObject version() {
        return new JsonObject()
                .put("id", "v3.0")
                .put("status", "CURRENT")
                .put("version", "3.0")
                .put("min_version", "3.0")
                .put("updated", "2026-11-01T00:00:00Z")
                .put("links", new JsonArray().add(new JsonObject().put("rel", "self")
                        .put("href", publicUrl + "/volume/v3/")))
                .put("media-types", new JsonArray().add(new JsonObject().put("base", "application/json")
                        .put("type", "application/vnd.openstack.volume+json;version=3")));
    }

    static String time(Instant t) {
        return t == null ? null : TIME.format(t);
    }
}
