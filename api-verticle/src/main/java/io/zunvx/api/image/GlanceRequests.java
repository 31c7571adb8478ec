package io.zunvx.api.image;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zunvx.api.http.PageQuery;
import io.zunvx.api.http.Schema;
import io.zunvx.model.StoreImage;
import io.zunvx.platform.auth.Identity;
import io.zunvx.platform.image.StoreImageRepository;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Request parsing of the Glance v2 subset, with Glance's rules and status codes: read-only attributes are 403
 * {@code Attribute 'x' is read-only.}, reserved ones 403 {@code Attribute 'x' is reserved.}, schema failures 400
 * {@code Provided object does not match schema 'image': ...}; making an image {@code public} needs an admin (403), and
 * only an admin may create an image owned by another project (403).
 *
 * <p>Custom (non-core) properties must be strings, as in Glance. They are accepted on create, where clients set them
 * routinely (the OpenStack SDK records the file's checksums that way), but not kept: the store holds Glance's core
 * attributes only. A PATCH that sets one is refused (400) rather than silently lost.
 */
public final class GlanceRequests {
    /** Default and largest page size of an image list, as Glance's {@code limit_param_default}/{@code api_limit_max}. */
    static final int DEFAULT_LIMIT = 25;
    static final int MAX_LIMIT = 1000;

    private static final Set<String> READ_ONLY = Set.of("created_at", "updated_at", "status", "checksum",
            "os_hash_algo", "os_hash_value", "size", "virtual_size", "direct_url", "self", "file", "schema", "stores");
    private static final Set<String> RESERVED = Set.of("location", "locations", "deleted", "deleted_at");
    private static final Set<String> CORE = Set.of("id", "name", "visibility", "protected", "os_hidden",
            "container_format", "disk_format", "min_disk", "min_ram", "tags", "owner");

    private GlanceRequests() {
    }

    // ---- create ---------------------------------------------------------------------------------------------------

    /**
     * The queued image a {@code POST /v2/images} body asks for.
     *
     * @param body the decoded JSON body (any JSON value)
     * @param now  creation time
     */
    static StoreImage create(Object body, Identity who, Instant now) {
        if (!(body instanceof JsonObject o)) {
            throw GlanceException.badRequest("Provided object does not match schema 'image': " + repr(body)
                    + " is not of type 'object'");
        }
        for (String key : o.fieldNames()) {
            if (READ_ONLY.contains(key)) {
                throw GlanceException.forbidden("Attribute '" + key + "' is read-only.");
            }
            if (RESERVED.contains(key)) {
                throw GlanceException.forbidden("Attribute '" + key + "' is reserved.");
            }
        }
        UUID id = UUID.randomUUID();
        if (o.containsKey("id")) {
            Object v = o.getValue("id");
            if (!(v instanceof String s) || !PageQuery.isUuidLike(s) || s.length() != 36) {
                throw schema(repr(v) + " is not a valid UUID");
            }
            id = UUID.fromString(s.toLowerCase(Locale.ROOT));
        }
        String name = nullableString(o, "name", 255);
        String containerFormat = enumValue(o, "container_format", GlanceViews.CONTAINER_FORMATS);
        String diskFormat = enumValue(o, "disk_format", GlanceViews.DISK_FORMATS);
        String visibility = o.containsKey("visibility") ? enumValue(o, "visibility", GlanceViews.VISIBILITIES)
                : "shared";
        if (visibility == null) {
            throw schema("None is not one of " + reprList(GlanceViews.VISIBILITIES));
        }
        boolean isProtected = bool(o, "protected", false);
        bool(o, "os_hidden", false);
        int minDisk = nonNegative(o, "min_disk");
        int minRam = nonNegative(o, "min_ram");
        List<String> tags = o.containsKey("tags") ? tags(o.getValue("tags")) : List.of();
        String owner = who.projectId();
        if (o.containsKey("owner")) {
            Object v = o.getValue("owner");
            if (v != null && !(v instanceof String)) {
                throw schema(repr(v) + " is not of type 'null', 'string'");
            }
            if (v != null && !v.equals(who.projectId())) {
                if (!who.isAdmin()) {
                    throw GlanceException.forbidden("You are not permitted to create images owned by '" + v + "'.");
                }
                owner = (String) v;
            }
        }
        for (String key : o.fieldNames()) {
            if (!CORE.contains(key)) {
                customValue(key, o.getValue(key));
            }
        }
        if ("public".equals(visibility) && !who.isAdmin()) {
            throw GlanceException.forbidden("You are not authorized to complete publicize_image action.");
        }
        return StoreImage.queued(id, name, containerFormat, diskFormat, visibility, owner, tags, minDisk, minRam,
                isProtected, now);
    }

    // ---- patch ----------------------------------------------------------------------------------------------------

    /** Whether a PATCH body is sent as Glance's JSON-patch media type. */
    static boolean isJsonPatch(String contentType) {
        if (contentType == null) {
            return false;
        }
        String t = contentType.toLowerCase(Locale.ROOT).split(";", 2)[0].strip();
        return t.equals("application/openstack-images-v2.1-json-patch")
                || t.equals("application/openstack-images-v2.0-json-patch");
    }

    /**
     * {@code image} with the operations of a {@code PATCH /v2/images/{id}} applied: {@code add}, {@code replace} and
     * {@code remove} of {@code /name}, {@code /visibility}, {@code /protected}, {@code /min_disk}, {@code /min_ram},
     * {@code /tags}, and {@code /container_format} or {@code /disk_format} while the image is {@code queued}.
     */
    static Patched patch(Object body, StoreImage image, Identity who) {
        if (!(body instanceof JsonArray ops)) {
            throw GlanceException.badRequest("Request body must be a JSON array of operation objects.");
        }
        String name = image.name();
        String visibility = image.visibility();
        boolean isProtected = image.protectedImage();
        int minDisk = image.minDisk();
        int minRam = image.minRam();
        List<String> tags = image.tags();
        String containerFormat = image.containerFormat();
        String diskFormat = image.diskFormat();
        for (Object item : ops) {
            if (!(item instanceof JsonObject op)) {
                throw GlanceException.badRequest("Operations must be JSON objects.");
            }
            String kind = op.getValue("op") instanceof String s ? s : null;
            if (kind == null || !List.of("add", "replace", "remove").contains(kind)) {
                throw GlanceException.badRequest("Operation objects must contain exactly one member named "
                        + "\"add\", \"remove\", or \"replace\".");
            }
            Object pathValue = op.getValue("path");
            if (!(pathValue instanceof String path) || !path.startsWith("/") || path.length() < 2) {
                throw GlanceException.badRequest("Unable to find '/' in JSON Schema change");
            }
            String attr = path.substring(1).replace("~1", "/").replace("~0", "~");
            if (attr.contains("/")) {
                throw GlanceException.badRequest("Nested paths are not allowed");
            }
            if (READ_ONLY.contains(attr) || attr.equals("id") || attr.equals("owner") && !who.isAdmin()) {
                throw GlanceException.forbidden("Attribute '" + attr + "' is read-only.");
            }
            if (RESERVED.contains(attr)) {
                throw GlanceException.forbidden("Attribute '" + attr + "' is reserved.");
            }
            if (!kind.equals("remove") && !op.containsKey("value")) {
                throw GlanceException.badRequest("Operation \"" + kind + "\" requires a member named \"value\".");
            }
            Object value = op.getValue("value");
            if (kind.equals("remove")) {
                if (CORE.contains(attr) || attr.equals("container_format") || attr.equals("disk_format")) {
                    throw GlanceException.forbidden("Attribute '" + attr + "' cannot be removed.");
                }
                throw GlanceException.conflict("Property " + attr + " does not exist.");
            }
            JsonObject one = new JsonObject().put(attr, value);
            switch (attr) {
                case "name" -> name = nullableString(one, "name", 255);
                case "visibility" -> {
                    visibility = enumValue(one, "visibility", GlanceViews.VISIBILITIES);
                    if (visibility == null) {
                        throw schema("None is not one of " + reprList(GlanceViews.VISIBILITIES));
                    }
                    if ("public".equals(visibility) && !"public".equals(image.visibility()) && !who.isAdmin()) {
                        throw GlanceException.forbidden("You are not authorized to complete publicize_image action.");
                    }
                }
                case "protected" -> isProtected = bool(one, "protected", isProtected);
                case "os_hidden" -> {
                    if (bool(one, "os_hidden", false)) {
                        throw GlanceException.badRequest("Hidden images are not supported by this image store.");
                    }
                }
                case "min_disk" -> minDisk = nonNegative(one, "min_disk");
                case "min_ram" -> minRam = nonNegative(one, "min_ram");
                case "tags" -> tags = tags(value);
                case "container_format", "disk_format" -> {
                    if (!StoreImage.QUEUED.equals(image.status())) {
                        throw GlanceException.forbidden("Attribute " + attr
                                + " can be only replaced for a queued image.");
                    }
                    String v = enumValue(one, attr, attr.equals("container_format")
                            ? GlanceViews.CONTAINER_FORMATS : GlanceViews.DISK_FORMATS);
                    if (attr.equals("container_format")) {
                        containerFormat = v;
                    } else {
                        diskFormat = v;
                    }
                }
                case "owner" -> throw GlanceException.badRequest("Changing the owner of an image is not supported"
                        + " by this image store.");
                default -> {
                    customValue(attr, value);
                    throw GlanceException.badRequest("Custom property '" + attr + "' is not supported: this image"
                            + " store keeps only Glance's core attributes.");
                }
            }
        }
        StoreImage next = new StoreImage(image.id(), name, image.status(), image.containerFormat(),
                image.diskFormat(), visibility, image.owner(), image.size(), image.checksum(), image.osHashAlgo(),
                image.osHashValue(), tags, minDisk, minRam, isProtected, image.location(), image.dockerImageId(),
                image.repoTags(), image.createdAt(), image.updatedAt());
        boolean formats = !Objects.equals(containerFormat, image.containerFormat())
                || !Objects.equals(diskFormat, image.diskFormat());
        return new Patched(next, formats ? containerFormat : null, formats ? diskFormat : null, formats);
    }

    /**
     * A patched image.
     *
     * @param image           the image with the user-editable attributes changed
     * @param containerFormat the new container format when {@code formatsChanged}
     * @param diskFormat      the new disk format when {@code formatsChanged}
     * @param formatsChanged  whether the (queued) image's formats change
     */
    record Patched(StoreImage image, String containerFormat, String diskFormat, boolean formatsChanged) {
    }

    // ---- list -----------------------------------------------------------------------------------------------------

    /**
     * The query of {@code GET /v2/images}.
     *
     * @param limit      page size
     * @param marker     id of the last image of the previous page, or {@code null}
     * @param sortKey    sort key (default {@code created_at})
     * @param sortDir    {@code asc} or {@code desc} (default {@code desc}, as Glance)
     * @param filters    equality filters on name, status, visibility and owner
     * @param tags       Glance tags every listed image must have
     * @param hiddenOnly whether only hidden images were asked for ({@code os_hidden=true}: there are none)
     */
    record ListQuery(int limit, UUID marker, String sortKey, String sortDir, Map<String, String> filters,
                     List<String> tags, boolean hiddenOnly) {
    }

    static ListQuery list(MultiMap q) {
        int limit = DEFAULT_LIMIT;
        String limitText = q.get("limit");
        if (limitText != null) {
            try {
                limit = Integer.parseInt(limitText.strip());
            } catch (NumberFormatException e) {
                throw GlanceException.badRequest("limit param must be an integer");
            }
            if (limit < 0) {
                throw GlanceException.badRequest("limit param must be positive");
            }
            limit = Math.min(Math.max(limit, 1), MAX_LIMIT);
        }
        UUID marker = null;
        String markerText = q.get("marker");
        if (markerText != null) {
            if (!PageQuery.isUuidLike(markerText)) {
                throw GlanceException.badRequest("Invalid marker. Image " + markerText + " could not be found.");
            }
            marker = PageQuery.toUuid(markerText);
        }
        String sortKey = q.get("sort_key");
        String sortDir = q.get("sort_dir");
        String sort = q.get("sort");
        if (sort != null) {
            if (sortKey != null || sortDir != null) {
                throw GlanceException.badRequest("The 'sort' parameter cannot be combined with 'sort_key' or "
                        + "'sort_dir'.");
            }
            String first = sort.split(",", 2)[0].strip();
            String[] parts = first.split(":", 2);
            sortKey = parts[0];
            sortDir = parts.length > 1 ? parts[1] : "desc";
        }
        sortKey = sortKey == null ? "created_at" : sortKey;
        sortDir = sortDir == null ? "desc" : sortDir;
        if (!StoreImageRepository.SORT_KEYS.contains(sortKey)) {
            throw GlanceException.badRequest("Invalid sort key: " + sortKey + ". It must be one of the following: "
                    + String.join(", ", new TreeSet<>(StoreImageRepository.SORT_KEYS)) + ".");
        }
        if (!sortDir.equals("asc") && !sortDir.equals("desc")) {
            throw GlanceException.badRequest("Invalid sort direction: " + sortDir);
        }
        Map<String, String> filters = new LinkedHashMap<>();
        for (String f : List.of("name", "status", "visibility", "owner")) {
            String v = q.get(f);
            if (v != null && !(f.equals("visibility") && v.equals("all"))) {
                if (f.equals("visibility") && !GlanceViews.VISIBILITIES.contains(v)) {
                    throw GlanceException.badRequest("Invalid visibility value: " + v);
                }
                filters.put(f, v);
            }
        }
        String hidden = q.get("os_hidden");
        boolean hiddenOnly = hidden != null && hidden.strip().equalsIgnoreCase("true");
        return new ListQuery(limit, marker, sortKey, sortDir, filters, q.getAll("tag"), hiddenOnly);
    }

    // ---- values ---------------------------------------------------------------------------------------------------

    private static String nullableString(JsonObject o, String key, int max) {
        if (!o.containsKey(key)) {
            return null;
        }
        Object v = o.getValue(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof String s)) {
            throw schema(repr(v) + " is not of type 'null', 'string'");
        }
        if (s.codePointCount(0, s.length()) > max) {
            throw schema(repr(v) + " is too long");
        }
        return s;
    }

    private static String enumValue(JsonObject o, String key, List<String> allowed) {
        if (!o.containsKey(key) || o.getValue(key) == null) {
            return null;
        }
        Object v = o.getValue(key);
        if (!(v instanceof String s) || !allowed.contains(s)) {
            throw schema(repr(v) + " is not one of " + reprList(allowed));
        }
        return s;
    }

    private static boolean bool(JsonObject o, String key, boolean absent) {
        if (!o.containsKey(key)) {
            return absent;
        }
        Object v = o.getValue(key);
        if (!(v instanceof Boolean b)) {
            throw schema(repr(v) + " is not of type 'boolean'");
        }
        return b;
    }

    private static int nonNegative(JsonObject o, String key) {
        if (!o.containsKey(key)) {
            return 0;
        }
        Object v = o.getValue(key);
        if (!(v instanceof Integer || v instanceof Long) || ((Number) v).longValue() > Integer.MAX_VALUE) {
            throw schema(repr(v) + " is not of type 'integer'");
        }
        long n = ((Number) v).longValue();
        if (n < 0) {
            throw schema(n + " is less than the minimum of 0");
        }
        return (int) n;
    }

    private static List<String> tags(Object v) {
        if (!(v instanceof JsonArray a)) {
            throw schema(repr(v) + " is not of type 'array'");
        }
        Set<String> out = new LinkedHashSet<>();
        for (Object t : a) {
            if (!(t instanceof String s)) {
                throw schema(repr(t) + " is not of type 'string'");
            }
            if (s.length() > 255) {
                throw schema(repr(t) + " is too long");
            }
            if (!out.add(s)) {
                throw schema(repr(a) + " has non-unique elements");
            }
        }
        if (out.size() > 128) {
            throw new GlanceException(413, "Maximum number of tags exceeded: " + out.size() + " of 128");
        }
        return new ArrayList<>(out);
    }

    private static void customValue(String key, Object v) {
        if (v != null && !(v instanceof String)) {
            throw schema(repr(v) + " is not of type 'string'");
        }
        if (key.length() > 255) {
            throw schema("Property names must be at most 255 characters");
        }
    }

    private static GlanceException schema(String message) {
        return GlanceException.badRequest("Provided object does not match schema 'image': " + message);
    }

    /** Python's {@code repr} of a decoded JSON value, as Glance's messages show values. */
    static String repr(Object v) {
        if (v == null) {
            return "None";
        }
        if (v instanceof String s) {
            return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
        }
        if (v instanceof Boolean b) {
            return b ? "True" : "False";
        }
        if (v instanceof JsonArray a) {
            List<String> items = new ArrayList<>();
            a.forEach(x -> items.add(repr(x)));
            return "[" + String.join(", ", items) + "]";
        }
        if (v instanceof JsonObject o) {
            List<String> items = new ArrayList<>();
            o.forEach(e -> items.add(repr(e.getKey()) + ": " + repr(e.getValue())));
            return "{" + String.join(", ", items) + "}";
        }
        return String.valueOf(v);
    }

    private static String reprList(List<String> values) {
        List<String> items = new ArrayList<>();
        values.forEach(x -> items.add(repr(x)));
        return "[" + String.join(", ", items) + "]";
    }
}
