package io.zunvx.api.image;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zunvx.model.StoreImage;
import io.zunvx.platform.auth.Identity;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** Glance v2's JSON shapes for the image store: the image object, the version document and the schemas. */
public final class GlanceViews {
    /** Glance's {@code container_format} values. */
    public static final List<String> CONTAINER_FORMATS = List.of("ami", "ari", "aki", "bare", "ovf", "ova",
            "docker", "compressed");
    /** Glance's {@code disk_format} values. */
    public static final List<String> DISK_FORMATS = List.of("ami", "ari", "aki", "vhd", "vhdx", "vmdk", "raw",
            "qcow2", "vdi", "iso", "ploop");
    /** Glance's {@code visibility} values. */
    public static final List<String> VISIBILITIES = List.of("public", "private", "shared", "community");
    /** The newest Glance v2 minor this subset answers as. */
    static final String VERSION = "v2.9";

    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);

    private GlanceViews() {
    }

    /**
     * Whether {@code who} can see {@code i}: admins see everything; others their project's images and the
     * {@code public} and {@code community} ones (there are no image members, so {@code shared} means the owner).
     */
    public static boolean visible(StoreImage i, Identity who) {
        return who.isAdmin() || who.projectId().equals(i.owner()) || "public".equals(i.visibility())
                || "community".equals(i.visibility());
    }

    /** Whether {@code who} may change or delete {@code i}: its owner's members and admins. */
    public static boolean mutable(StoreImage i, Identity who) {
        return who.isAdmin() || who.projectId().equals(i.owner());
    }

    /** Glance's image object. The data's location is never shown. */
    public static JsonObject image(StoreImage i) {
        String id = i.id().toString();
        Instant updated = i.updatedAt() == null ? i.createdAt() : i.updatedAt();
        return new JsonObject()
                .put("id", id)
                .put("name", i.name())
                .put("status", i.status())
                .put("visibility", i.visibility())
                .put("protected", i.protectedImage())
                .put("os_hidden", false)
                .put("checksum", i.checksum())
                .put("os_hash_algo", i.osHashAlgo())
                .put("os_hash_value", i.osHashValue())
                .put("owner", i.owner())
                .put("size", i.size())
                .putNull("virtual_size")
                .put("min_ram", i.minRam())
                .put("min_disk", i.minDisk())
                .put("container_format", i.containerFormat())
                .put("disk_format", i.diskFormat())
                .put("tags", new JsonArray(new ArrayList<>(i.tags())))
                .put("created_at", time(i.createdAt()))
                .put("updated_at", time(updated))
                .put("self", "/v2/images/" + id)
                .put("file", "/v2/images/" + id + "/file")
                .put("schema", "/v2/schemas/image");
    }

    static String time(Instant t) {
        return t == null ? null : ISO.format(t.truncatedTo(ChronoUnit.SECONDS));
    }

    /** Glance's version list ({@code GET /image}), pointing at {@code <base>/v2/}. */
    static JsonObject versions(String imageBase) {
        JsonArray versions = new JsonArray();
        for (String v : List.of(VERSION, "v2.8", "v2.7", "v2.6", "v2.5", "v2.4", "v2.3", "v2.2", "v2.1", "v2.0")) {
            versions.add(new JsonObject()
                    .put("id", v)
                    .put("status", v.equals(VERSION) ? "CURRENT" : "SUPPORTED")
                    .put("links", new JsonArray().add(new JsonObject().put("rel", "self")
                            .put("href", imageBase + "/v2/"))));
        }
        return new JsonObject().put("versions", versions);
    }

    /** The JSON schema of one image ({@code GET /v2/schemas/image}), as far as this subset keeps images. */
    static JsonObject imageSchema() {
        JsonObject props = new JsonObject()
                .put("id", prop("string", "An identifier for the image", false)
                        .put("pattern", "^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}"
                                + "-([0-9a-fA-F]){12}$"))
                .put("name", nullable("string", "Descriptive name for the image", false).put("maxLength", 255))
                .put("status", prop("string", "Status of the image", true)
                        .put("enum", new JsonArray(List.of("queued", "saving", "active", "killed", "deleted",
                                "uploading", "importing", "pending_delete", "deactivated"))))
                .put("visibility", prop("string", "Scope of image accessibility", false)
                        .put("enum", new JsonArray(VISIBILITIES)))
                .put("protected", prop("boolean", "If true, image will not be deletable.", false))
                .put("os_hidden", prop("boolean", "If true, image will not appear in default image list response.",
                        false))
                .put("checksum", nullable("string", "md5 hash of image contents.", true).put("maxLength", 32))
                .put("os_hash_algo", nullable("string", "Algorithm to calculate the os_hash_value", true)
                        .put("maxLength", 64))
                .put("os_hash_value", nullable("string", "Hexdigest of the image contents using the algorithm "
                        + "specified by the os_hash_algo", true).put("maxLength", 128))
                .put("owner", nullable("string", "Owner of the image", false).put("maxLength", 255))
                .put("size", nullable("integer", "Size of image file in bytes", true))
                .put("virtual_size", nullable("integer", "Virtual size of image in bytes", true))
                .put("container_format", nullable("string", "Format of the container", false)
                        .put("enum", withNull(CONTAINER_FORMATS)))
                .put("disk_format", nullable("string", "Format of the disk", false)
                        .put("enum", withNull(DISK_FORMATS)))
                .put("created_at", prop("string", "Date and time of image registration", true))
                .put("updated_at", prop("string", "Date and time of the last image modification", true))
                .put("tags", prop("array", "List of strings related to the image", false)
                        .put("items", new JsonObject().put("type", "string").put("maxLength", 255)))
                .put("min_ram", prop("integer", "Amount of ram (in MB) required to boot image.", false))
                .put("min_disk", prop("integer", "Amount of disk space (in GB) required to boot image.", false))
                .put("self", prop("string", "An image self url", true))
                .put("file", prop("string", "An image file url", true))
                .put("schema", prop("string", "An image schema url", true));
        return new JsonObject()
                .put("name", "image")
                .put("properties", props)
                .put("additionalProperties", new JsonObject().put("type", "string"))
                .put("links", new JsonArray()
                        .add(new JsonObject().put("rel", "self").put("href", "{self}"))
                        .add(new JsonObject().put("rel", "enclosure").put("href", "{file}"))
                        .add(new JsonObject().put("rel", "describedby").put("href", "{schema}")));
    }

    /** The JSON schema of an image list ({@code GET /v2/schemas/images}). */
    static JsonObject imagesSchema() {
        return new JsonObject()
                .put("name", "images")
                .put("properties", new JsonObject()
                        .put("images", new JsonObject().put("type", "array").put("items", imageSchema()))
                        .put("schema", new JsonObject().put("type", "string"))
                        .put("first", new JsonObject().put("type", "string"))
                        .put("next", new JsonObject().put("type", "string")))
                .put("links", new JsonArray()
                        .add(new JsonObject().put("rel", "first").put("href", "{first}"))
                        .add(new JsonObject().put("rel", "next").put("href", "{next}"))
                        .add(new JsonObject().put("rel", "describedby").put("href", "{schema}")));
    }

    private static JsonObject prop(String type, String description, boolean readOnly) {
        JsonObject p = new JsonObject().put("type", type).put("description", description);
        if (readOnly) {
            p.put("readOnly", true);
        }
        return p;
    }

    private static JsonObject nullable(String type, String description, boolean readOnly) {
        return prop(type, description, readOnly).put("type", new JsonArray().add("null").add(type));
    }

    private static JsonArray withNull(List<String> values) {
        JsonArray a = new JsonArray().addNull();
        values.forEach(a::add);
        return a;
    }
}
