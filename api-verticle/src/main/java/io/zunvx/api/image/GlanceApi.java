package io.zunvx.api.image;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.zunvx.api.http.PageQuery;
import io.zunvx.api.http.RequestContext;
import io.zunvx.model.StoreImage;
import io.zunvx.platform.auth.Identity;
import io.zunvx.platform.concurrent.Blocking;
import io.zunvx.platform.config.ZunvxConfig;
import io.zunvx.platform.db.Transactions;
import io.zunvx.platform.image.BlobStore;
import io.zunvx.platform.image.DockerArchive;
import io.zunvx.platform.image.FilesystemBlobStore;
import io.zunvx.platform.image.ReadStreamInputStream;
import io.zunvx.platform.image.StoreImageRepository;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The image store's Glance v2 subset under {@code /image} on the API port (the catalog's {@code image} service):
 * create an image record, upload its data, download it, list, show, update and delete, with the same Keystone tokens
 * as {@code /v1}. The caller's project owns what it creates; admins see and manage every image.
 *
 * <p>Uploads ({@code PUT /image/v2/images/{id}/file}) never pass through the JSON body handler: the request stream is
 * read on a virtual thread through {@link ReadStreamInputStream} (paused while the blob store is behind) and written
 * to the {@link BlobStore}, which computes the size, MD5 and SHA-256 as the bytes go by. A declared
 * {@code Content-Length} above {@code ZUNVX_IMAGE_STORE_MAX_BYTES} is refused with 413 before any data is read, and
 * more data than that is refused with 413 as soon as it arrives. A {@code Content-MD5} (Base64, or hex) or
 * {@code Content-Digest: sha-256=:<Base64>:} header is checked against the data; a {@code docker} image's data must
 * be a complete {@code docker save} archive whose blobs match their digests. Any failure deletes the blob and puts the
 * image back to {@code queued}, so there is never a half image; the answer says why (400, or 413).
 *
 * <p>Downloads ({@code GET .../file}) stream the blob from a virtual thread, waiting for the connection to drain
 * whenever its write queue is full, with {@code Content-Length} and Glance's {@code Content-MD5} (the hex checksum).
 */
public final class GlanceApi implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GlanceApi.class);
    private static final int CHUNK = 256 * 1024;
    private static final Pattern HEX_MD5 = Pattern.compile("^[0-9a-fA-F]{32}$");
    private static final Pattern SHA256_DIGEST = Pattern.compile("(?:^|,)\\s*sha-256=:([A-Za-z0-9+/=]+):");
    private static final String IMAGES = "/image/v2/images";

    private final Transactions db;
    private final StoreImageRepository images;
    private final BlobStore blobs;
    private final long maxUploadBytes;
    private final Duration uploadIdleTimeout;
    private final long projectQuotaBytes;
    private final Path spoolDir;
    private final String publicUrl;
    private final Clock clock;
    private final Blocking blocking = new Blocking("image-store", 256);

    /**
     * @param config    the store's limits: largest image, upload idle timeout, data per project; and its directory
     *                  (uploads to a store that writes in a database transaction are spooled under it first)
     * @param publicUrl the API's public base URL (the version document's links)
     */
    public GlanceApi(Transactions db, StoreImageRepository images, BlobStore blobs, ZunvxConfig.Images config,
                     String publicUrl, Clock clock) {
        this.db = db;
        this.images = images;
        this.blobs = blobs;
        this.maxUploadBytes = config.maxUploadBytes();
        this.uploadIdleTimeout = config.uploadIdleTimeout();
        this.projectQuotaBytes = config.projectQuotaBytes();
        this.spoolDir = config.storeDir().resolve("spool");
        this.publicUrl = publicUrl;
        this.clock = clock;
    }

    /** Whether a request is an upload, whose body must stay unread until {@link #upload} streams it. */
    public static boolean isUpload(HttpServerRequest req) {
        return req.method() == HttpMethod.PUT && req.path().matches(
                "^/image/v2/images/[^/]+/file/?$");
    }

    public void mount(Router r) {
        if (blobs instanceof FilesystemBlobStore files) {
            // Temporary files of writes whose process died; a live write touches its file with every chunk.
            Thread.ofVirtual().name("image-store-sweep").start(() -> {
                try {
                    int n = files.sweep(StoreImageRepository.UPLOAD_LEASE);
                    if (n > 0) {
                        LOG.info("image store: removed {} unfinished upload(s) left by a stopped process", n);
                    }
                } catch (IOException e) {
                    LOG.warn("image store: could not sweep {}: {}", files.directory(), e.toString());
                }
            });
        }
        r.get("/image").handler(this::versions);
        r.get("/image/").handler(this::versions);
        r.get("/image/versions").handler(this::versions);
        r.get("/image/v2/schemas/image").handler(ctx -> json(ctx, 200, GlanceViews.imageSchema()));
        r.get("/image/v2/schemas/images").handler(ctx -> json(ctx, 200, GlanceViews.imagesSchema()));
        r.post(IMAGES).handler(this::create);
        r.get(IMAGES).handler(this::list);
        r.get(IMAGES + "/:id").handler(this::show);
        r.patch(IMAGES + "/:id").handler(this::update);
        r.delete(IMAGES + "/:id").handler(this::delete);
        r.put(IMAGES + "/:id/file").handler(this::upload);
        r.get(IMAGES + "/:id/file").handler(this::download);
        r.put(IMAGES + "/:id/tags/:tag").handler(ctx -> tag(ctx, true));
        r.delete(IMAGES + "/:id/tags/:tag").handler(ctx -> tag(ctx, false));
    }

    // ---- documents ------------------------------------------------------------------------------------------------

    /** Glance's version list; 300 Multiple Choices, as Glance answers, which keystoneauth's discovery reads. */
    private void versions(RoutingContext ctx) {
        json(ctx, 300, GlanceViews.versions(publicUrl + "/image"));
    }

    // ---- create, show, list, update, delete -----------------------------------------------------------------------

    private void create(RoutingContext ctx) {
        Identity who = RequestContext.identity(ctx);
        StoreImage image = GlanceRequests.create(body(ctx), who, clock.instant());
        db.read(sql -> images.create(sql, image))
                .recover(err -> Future.failedFuture(ImageApi.isUniqueViolation(err)
                        ? GlanceException.conflict("Image with identifier " + image.id() + " already exists!")
                        : err))
                .onSuccess(saved -> {
                    ctx.response().putHeader("Location", publicUrl + IMAGES + "/" + saved.id());
                    json(ctx, 201, GlanceViews.image(saved));
                })
                .onFailure(ctx::fail);
    }

    private void show(RoutingContext ctx) {
        Identity who = RequestContext.identity(ctx);
        visible(ctx, who).onSuccess(i -> json(ctx, 200, GlanceViews.image(i))).onFailure(ctx::fail);
    }

    private void list(RoutingContext ctx) {
        Identity who = RequestContext.identity(ctx);
        GlanceRequests.ListQuery q = GlanceRequests.list(ctx.queryParams());
        String first = "/v2/images" + query(q, null);
        JsonObject out = new JsonObject().put("first", first).put("schema", "/v2/schemas/images");
        if (q.hiddenOnly()) {
            json(ctx, 200, out.put("images", new JsonArray()));
            return;
        }
        String project = who.isAdmin() ? null : who.projectId();
        Future<Void> marker = q.marker() == null ? Future.succeededFuture()
                : db.read(sql -> images.find(sql, q.marker())).compose(found -> found.isPresent()
                        && GlanceViews.visible(found.get(), who) ? Future.<Void>succeededFuture()
                        : Future.failedFuture(GlanceException.badRequest("Invalid marker. Image " + q.marker()
                                + " could not be found.")));
        marker.compose(v -> db.read(sql -> images.list(sql, project, q.filters(), q.limit(), q.marker(),
                        q.sortKey(), q.sortDir())))
                .onSuccess(rows -> {
                    JsonArray items = new JsonArray();
                    for (StoreImage i : rows) {
                        if (i.tags().containsAll(q.tags())) {
                            items.add(GlanceViews.image(i));
                        }
                    }
                    out.put("images", items);
                    if (rows.size() == q.limit()) {
                        out.put("next", "/v2/images" + query(q, rows.getLast().id()));
                    }
                    json(ctx, 200, out);
                })
                .onFailure(ctx::fail);
    }

    /** The list's query string for the first page ({@code marker} null) or the page after {@code marker}. */
    private static String query(GlanceRequests.ListQuery q, UUID marker) {
        List<String> parts = new ArrayList<>();
        q.filters().forEach((k, v) -> parts.add(k + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        q.tags().forEach(t -> parts.add("tag=" + URLEncoder.encode(t, StandardCharsets.UTF_8)));
        parts.add("sort_key=" + q.sortKey());
        parts.add("sort_dir=" + q.sortDir());
        if (marker != null) {
            parts.add("limit=" + q.limit());
            parts.add("marker=" + marker);
        }
        return "?" + String.join("&", parts);
    }

    private void update(RoutingContext ctx) {
        Identity who = RequestContext.identity(ctx);
        if (!GlanceRequests.isJsonPatch(ctx.request().getHeader(HttpHeaders.CONTENT_TYPE))) {
            throw new GlanceException(415, "Unsupported Content-Type: use "
                    + "application/openstack-images-v2.1-json-patch");
        }
        Object body = body(ctx);
        visible(ctx, who).compose(image -> {
                    if (!GlanceViews.mutable(image, who)) {
                        return Future.failedFuture(GlanceException.forbidden("You are not permitted to modify image "
                                + image.id() + "."));
                    }
                    GlanceRequests.Patched p = GlanceRequests.patch(body, image, who);
                    return db.inTransaction(tx -> images.update(tx, p.image()).compose(saved -> {
                        if (saved.isEmpty()) {
                            return Future.failedFuture(GlanceException.notFound(image.id().toString()));
                        }
                        if (!p.formatsChanged()) {
                            return Future.succeededFuture(saved.get());
                        }
                        // Formats can change while the image has no data yet; the repository keeps the rest.
                        return images.setFormatsWhileQueued(tx, image.id(), p.containerFormat(), p.diskFormat())
                                .compose(set -> set.isPresent() ? Future.succeededFuture(set.get())
                                        : Future.failedFuture(GlanceException.forbidden("Attribute container_format"
                                        + " can be only replaced for a queued image.")));
                    }));
                })
                .onSuccess(saved -> json(ctx, 200, GlanceViews.image(saved)))
                .onFailure(ctx::fail);
    }

    private void tag(RoutingContext ctx, boolean add) {
        Identity who = RequestContext.identity(ctx);
        String tag = ctx.pathParam("tag");
        if (tag.length() > 255) {
            throw GlanceException.badRequest("Tag is too long: at most 255 characters.");
        }
        visible(ctx, who).compose(image -> {
                    if (!GlanceViews.mutable(image, who)) {
                        return Future.failedFuture(GlanceException.forbidden("You are not permitted to modify image "
                                + image.id() + "."));
                    }
                    List<String> tags = new ArrayList<>(image.tags());
                    if (add == tags.contains(tag)) {
                        return add ? Future.succeededFuture()
                                : Future.failedFuture(new GlanceException(404, "Tag " + tag + " not found."));
                    }
                    if (add) {
                        tags.add(tag);
                    } else {
                        tags.remove(tag);
                    }
                    StoreImage next = new StoreImage(image.id(), image.name(), image.status(),
                            image.containerFormat(), image.diskFormat(), image.visibility(), image.owner(),
                            image.size(), image.checksum(), image.osHashAlgo(), image.osHashValue(), tags,
                            image.minDisk(), image.minRam(), image.protectedImage(), image.location(),
                            image.dockerImageId(), image.repoTags(), image.createdAt(), image.updatedAt());
                    return db.read(sql -> images.update(sql, next)).mapEmpty();
                })
                .onSuccess(v -> ctx.response().setStatusCode(204).end())
                .onFailure(ctx::fail);
    }

    private void delete(RoutingContext ctx) {
        Identity who = RequestContext.identity(ctx);
        Context context = Vertx.currentContext();
        visible(ctx, who).compose(image -> {
                    if (!GlanceViews.mutable(image, who)) {
                        return Future.failedFuture(GlanceException.forbidden("You are not permitted to delete image "
                                + image.id() + "."));
                    }
                    if (image.protectedImage()) {
                        return Future.failedFuture(GlanceException.forbidden("Image " + image.id()
                                + " is protected and cannot be deleted."));
                    }
                    return db.read(sql -> images.delete(sql, image.id()));
                })
                .compose(deleted -> deleted.isEmpty() || deleted.get().location() == null
                        ? Future.<Void>succeededFuture()
                        : discard(context, deleted.get().location()))
                .onSuccess(v -> ctx.response().setStatusCode(204).end())
                .onFailure(ctx::fail);
    }

    // ---- upload ---------------------------------------------------------------------------------------------------

    /** The data of an upload as stored and checked, not yet recorded. */
    private record Stored(BlobStore.Written written, DockerArchive.Checked archive) {
    }

    private void upload(RoutingContext ctx) {
        Identity who = RequestContext.identity(ctx);
        HttpServerRequest req = ctx.request();
        Context context = Vertx.currentContext();
        UUID id = id(ctx);
        String type = req.getHeader(HttpHeaders.CONTENT_TYPE);
        if (type != null && !type.toLowerCase(Locale.ROOT).startsWith("application/octet-stream")) {
            throw new GlanceException(415, "Unsupported Content-Type: image data is sent as "
                    + "application/octet-stream");
        }
        long declared = declaredLength(req);
        if (declared > maxUploadBytes) {
            throw tooLarge();
        }
        Digests expected = Digests.of(req);
        AtomicReference<Long> allowed = new AtomicReference<>(maxUploadBytes);
        db.read(sql -> images.find(sql, id))
                .compose(found -> {
                    StoreImage image = found.filter(i -> GlanceViews.visible(i, who))
                            .orElseThrow(() -> GlanceException.notFound(id.toString()));
                    if (!GlanceViews.mutable(image, who)) {
                        throw GlanceException.forbidden("You are not permitted to upload data to image " + id + ".");
                    }
                    return image.owner() == null ? Future.succeededFuture(image)
                            : db.read(sql -> images.usedBytes(sql, image.owner(), id)).map(used -> {
                                long left = projectQuotaBytes - used;
                                if (left <= 0 || declared > left) {
                                    throw overQuota(image.owner(), used);
                                }
                                allowed.set(Math.min(maxUploadBytes, left));
                                return image;
                            });
                })
                .compose(image -> {
                    if (image.containerFormat() == null || image.diskFormat() == null) {
                        throw GlanceException.badRequest("Properties container_format and disk_format must be set"
                                + " prior to saving data.");
                    }
                    if (!StoreImage.QUEUED.equals(image.status()) && !images.uploadAbandoned(image)) {
                        throw GlanceException.conflict("Image status transition from " + image.status()
                                + " to saving is not allowed");
                    }
                    return db.read(sql -> images.startUpload(sql, id)).compose(started -> started
                            ? Future.succeededFuture(image)
                            : Future.failedFuture(GlanceException.conflict("Image status transition from "
                            + "queued to saving is not allowed: another upload of image " + id
                            + " is in progress")));
                })
                .compose(image -> {
                    if ("100-continue".equalsIgnoreCase(req.getHeader(HttpHeaders.EXPECT))) {
                        ctx.response().writeContinue();
                    }
                    ReadStreamInputStream in = new ReadStreamInputStream(req, declared, uploadIdleTimeout);
                    // The lease: while this runs, the image's updated_at stays fresh, so that only an upload
                    // whose process died leaves an image that another upload may take over.
                    long lease = context.owner().setPeriodic(
                            StoreImageRepository.UPLOAD_LEASE_RENEWAL.toMillis(),
                            t -> db.read(sql -> images.touchSaving(sql, id)));
                    return blocking.run(context, () -> store(image, in, declared, expected, allowed.get()))
                            .compose(stored -> record(context, image, stored))
                            .recover(err -> db.read(sql -> images.abortUpload(sql, id, StoreImage.QUEUED))
                                    .transform(x -> Future.failedFuture(uploadFailure(id, err))))
                            .onComplete(x -> context.owner().cancelTimer(lease));
                })
                .onSuccess(v -> ctx.response().setStatusCode(204).end())
                .onFailure(ctx::fail);
    }

    /** On the virtual thread: stream the data into a new blob and check it; the blob is gone if anything fails. */
    private Stored store(StoreImage image, ReadStreamInputStream in, long declared, Digests expected, long allowed)
            throws IOException, DockerArchive.InvalidArchive {
        BlobStore.Written w;
        if (blobs.writesInATransaction()) {
            // The client sets the pace of `in`: spool it first, so that the store's transaction (and its pooled
            // connection) lasts only as long as copying a local file.
            Files.createDirectories(spoolDir);
            Path spool = Files.createTempFile(spoolDir, "upload-", ".part");
            try {
                try (OutputStream out = Files.newOutputStream(spool)) {
                    copyAtMost(in, out, allowed);
                } finally {
                    in.close();
                }
                try (InputStream local = Files.newInputStream(spool)) {
                    w = blobs.write("image-" + image.id(), local, allowed);
                }
            } finally {
                Files.deleteIfExists(spool);
            }
        } else {
            try {
                w = blobs.write("image-" + image.id(), in, allowed);
            } finally {
                // After a failure, drop whatever still arrives; the failure handler drains or closes the connection.
                in.close();
            }
        }
        try {
            if (declared >= 0 && w.size() != declared) {
                throw new DigestMismatch("The upload carried " + w.size() + " bytes where Content-Length said "
                        + declared + ".");
            }
            expected.check(w);
            DockerArchive.Checked archive = null;
            if ("docker".equals(image.containerFormat())) {
                try (InputStream back = blobs.open(w.location())) {
                    archive = DockerArchive.check(back);
                }
            }
            return new Stored(w, archive);
        } catch (IOException | DockerArchive.InvalidArchive | RuntimeException e) {
            deleteQuietly(w.location());
            throw e;
        }
    }

    /** Copies {@code in} to {@code out}, failing with {@link BlobStore.TooLarge} past {@code max} bytes. */
    private static void copyAtMost(InputStream in, OutputStream out, long max) throws IOException {
        byte[] buf = new byte[CHUNK];
        long total = 0;
        int n;
        while ((n = in.read(buf)) >= 0) {
            total += n;
            if (total > max) {
                throw new BlobStore.TooLarge(max);
            }
            out.write(buf, 0, n);
        }
    }

    /**
     * Records the stored data, while the owner's images, this one included, stay within the project's quota (checked
     * under a lock per owner, so that concurrent uploads cannot both pass); if the image vanished meanwhile (deleted
     * during the upload) or the quota is exceeded, drops the blob.
     */
    private Future<Void> record(Context context, StoreImage image, Stored s) {
        UUID id = image.id();
        BlobStore.Written w = s.written();
        return db.inTransaction(sql -> (image.owner() == null ? Future.<Void>succeededFuture()
                        : images.lockOwner(sql, image.owner()).compose(v -> images.usedBytes(sql, image.owner(), id))
                        .compose(used -> used + w.size() > projectQuotaBytes
                                ? Future.<Void>failedFuture(overQuota(image.owner(), used))
                                : Future.<Void>succeededFuture()))
                        .compose(v -> images.finishUpload(sql, id, w.location(), w.size(), w.md5Hex(),
                                w.sha256Hex(), s.archive() == null ? null : s.archive().imageId(),
                                s.archive() == null ? List.of() : s.archive().repoTags())))
                .transform(ar -> {
                    if (ar.succeeded() && ar.result().isPresent()) {
                        return Future.<Void>succeededFuture();
                    }
                    Throwable why = ar.succeeded() ? new GlanceException(410, "Image " + id + " could not be found"
                            + " after upload. The image may have been deleted during the upload.") : ar.cause();
                    return discard(context, w.location()).transform(x -> Future.<Void>failedFuture(why));
                });
    }

    private GlanceException uploadFailure(UUID id, Throwable err) {
        if (err instanceof GlanceException g) {
            return g;
        }
        if (err instanceof ReadStreamInputStream.Idle idle) {
            return new GlanceException(408, "The upload of image " + id + " stalled: " + idle.getMessage() + ".");
        }
        if (err instanceof BlobStore.TooLarge large) {
            return large.maxBytes() < maxUploadBytes ? new GlanceException(413, "Image storage quota exceeded: "
                    + "the data of image " + id + " is larger than the " + large.maxBytes() + " bytes its project "
                    + "has left.") : tooLarge();
        }
        if (err instanceof DockerArchive.InvalidArchive bad) {
            return GlanceException.badRequest("The data of image " + id + " is not a complete docker save archive: "
                    + bad.getMessage());
        }
        if (err instanceof DigestMismatch mismatch) {
            return GlanceException.badRequest(mismatch.getMessage());
        }
        if (err instanceof IOException io) {
            return GlanceException.badRequest("The upload of image " + id + " did not complete: " + io.getMessage());
        }
        UUID correlation = UUID.randomUUID();
        LOG.error("upload of image {} failed; correlation id {}", id, correlation, err);
        return new GlanceException(500, "The upload failed because of a problem in the server. Error correlation"
                + " id: " + correlation);
    }

    private GlanceException overQuota(String owner, long used) {
        return new GlanceException(413, "Image storage quota of project " + owner + " exceeded: " + used + " of "
                + projectQuotaBytes + " bytes are used.");
    }

    private GlanceException tooLarge() {
        return new GlanceException(413, "Image data exceeds the limit of " + maxUploadBytes + " bytes.");
    }

    private static long declaredLength(HttpServerRequest req) {
        String cl = req.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (cl == null) {
            return -1;
        }
        try {
            long n = Long.parseLong(cl.strip());
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw GlanceException.badRequest("Invalid Content-Length: " + cl);
        }
    }

    /** Data that does not match the digest its sender declared. */
    private static final class DigestMismatch extends IOException {
        DigestMismatch(String message) {
            super(message);
        }
    }

    /**
     * Digests an upload declares: {@code Content-MD5} (Base64 of the 16 bytes as RFC 1864 says, or 32 hex digits)
     * and {@code Content-Digest: sha-256=:<Base64>:} (RFC 9530).
     */
    private record Digests(String md5Hex, String sha256Hex) {
        static Digests of(HttpServerRequest req) {
            String md5 = null;
            String contentMd5 = req.getHeader("Content-MD5");
            if (contentMd5 != null && !contentMd5.isBlank()) {
                String v = contentMd5.strip();
                if (HEX_MD5.matcher(v).matches()) {
                    md5 = v.toLowerCase(Locale.ROOT);
                } else {
                    md5 = hexOfBase64(v, 16, "Content-MD5");
                }
            }
            String sha = null;
            String digest = req.getHeader("Content-Digest");
            if (digest != null) {
                Matcher m = SHA256_DIGEST.matcher(digest);
                if (!m.find()) {
                    throw GlanceException.badRequest("Content-Digest must carry sha-256=:<Base64>:");
                }
                sha = hexOfBase64(m.group(1), 32, "Content-Digest");
            }
            return new Digests(md5, sha);
        }

        private static String hexOfBase64(String b64, int bytes, String header) {
            try {
                byte[] raw = Base64.getDecoder().decode(b64);
                if (raw.length != bytes) {
                    throw new IllegalArgumentException("length");
                }
                return HexFormat.of().formatHex(raw);
            } catch (IllegalArgumentException e) {
                throw GlanceException.badRequest("Invalid " + header + " header: " + b64);
            }
        }

        void check(BlobStore.Written w) throws DigestMismatch {
            if (md5Hex != null && !md5Hex.equals(w.md5Hex())) {
                throw new DigestMismatch("Content-MD5 mismatch: the data received has MD5 " + w.md5Hex()
                        + ", the request declared " + md5Hex + ".");
            }
            if (sha256Hex != null && !sha256Hex.equals(w.sha256Hex())) {
                throw new DigestMismatch("Content-Digest mismatch: the data received has SHA-256 " + w.sha256Hex()
                        + ", the request declared " + sha256Hex + ".");
            }
        }
    }

    // ---- download -------------------------------------------------------------------------------------------------

    private void download(RoutingContext ctx) {
        Identity who = RequestContext.identity(ctx);
        Context context = Vertx.currentContext();
        HttpServerResponse resp = ctx.response();
        visible(ctx, who).compose(image -> {
                    if (!StoreImage.ACTIVE.equals(image.status()) || image.location() == null) {
                        resp.setStatusCode(204);
                        return resp.end();
                    }
                    resp.setStatusCode(200)
                            .putHeader(HttpHeaders.CONTENT_TYPE, "application/octet-stream")
                            .putHeader(HttpHeaders.CONTENT_LENGTH, String.valueOf(image.size()))
                            // Archives are mostly compressed layers already: spare the CPU, keep Content-Length.
                            .putHeader(HttpHeaders.CONTENT_ENCODING, HttpHeaders.IDENTITY)
                            .putHeader("Content-MD5", image.checksum());
                    return send(context, resp, image);
                })
                .onFailure(err -> {
                    if (resp.headWritten()) {
                        LOG.warn("download of image {} broke off: {}", ctx.pathParam("id"), err.toString());
                        resp.reset();
                    } else {
                        ctx.fail(err);
                    }
                });
    }

    /**
     * Copies the blob to the response from a virtual thread, one chunk at a time, waiting for the connection to drain
     * whenever its write queue is full; a closed connection stops the copy.
     */
    private Future<Void> send(Context context, HttpServerResponse resp, StoreImage image) {
        AtomicReference<CompletableFuture<Void>> waiting = new AtomicReference<>();
        AtomicReference<Boolean> closed = new AtomicReference<>(false);
        resp.closeHandler(v -> {
            closed.set(true);
            CompletableFuture<Void> w = waiting.get();
            if (w != null) {
                w.completeExceptionally(new IOException("the client closed the connection"));
            }
        });
        return blocking.run(context, () -> {
            try (InputStream in = blobs.open(image.location())) {
                byte[] buf = new byte[CHUNK];
                int n;
                while ((n = in.readNBytes(buf, 0, CHUNK)) > 0) {
                    Buffer chunk = Buffer.buffer(Arrays.copyOf(buf, n));
                    CompletableFuture<Void> ready = new CompletableFuture<>();
                    waiting.set(ready);
                    context.runOnContext(v -> {
                        if (closed.get()) {
                            ready.completeExceptionally(new IOException("the client closed the connection"));
                            return;
                        }
                        resp.write(chunk);
                        if (resp.writeQueueFull()) {
                            resp.drainHandler(x -> ready.complete(null));
                        } else {
                            ready.complete(null);
                        }
                    });
                    try {
                        ready.get();
                    } catch (ExecutionException e) {
                        throw (e.getCause() instanceof IOException io) ? io : new IOException(e.getCause());
                    }
                }
            }
            return null;
        }).compose(v -> resp.end());
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    /** The image of the path if the caller may see it; 404 otherwise (as for an unknown id). */
    private Future<StoreImage> visible(RoutingContext ctx, Identity who) {
        UUID id = id(ctx);
        return db.read(sql -> images.find(sql, id)).map(found -> found.filter(i -> GlanceViews.visible(i, who))
                .orElseThrow(() -> GlanceException.notFound(id.toString())));
    }

    private static UUID id(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        if (!PageQuery.isUuidLike(id) || id.length() != 36) {
            throw GlanceException.notFound(id);
        }
        return UUID.fromString(id.toLowerCase(Locale.ROOT));
    }

    /** The request body as JSON (any value); 400 when it is missing or not JSON. */
    private static Object body(RoutingContext ctx) {
        var body = ctx.body();
        if (body == null || body.isEmpty()) {
            throw GlanceException.badRequest("Body expected in request.");
        }
        try {
            return Json.decodeValue(body.buffer());
        } catch (DecodeException e) {
            throw GlanceException.badRequest("Malformed JSON in request body.");
        }
    }

    private Future<Void> discard(Context context, String location) {
        return blocking.run(context, () -> {
            deleteQuietly(location);
            return null;
        });
    }

    private void deleteQuietly(String location) {
        try {
            blobs.delete(location);
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not delete image data at {}: {}", location, e.toString());
        }
    }

    private static void json(RoutingContext ctx, int status, JsonObject body) {
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(body.encode());
    }

    @Override
    public void close() {
        blocking.close();
    }
}
