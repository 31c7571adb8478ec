package io.zunvx.api.compute;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.codec.BodyCodec;
import io.zunvx.platform.auth.Identity;
import io.zunvx.platform.auth.TokenService;
import io.zunvx.platform.config.ZunvxConfig;
import io.zunvx.platform.db.Transactions;
import io.zunvx.platform.error.ZunException;
import io.zunvx.platform.host.ComputeNodeRepository;
import io.zunvx.platform.logs.LogTail;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Synchronous calls from the API to a compute agent's internal endpoint (logs, exec, terminal resizes, top, stats,
 * archives, live resource updates, networks), authenticated with a short-lived platform service token.
 *
 * <p>Archives are the one large payload: up to {@link #MAX_ARCHIVE_BYTES} of tar each way, as the agent accepts
 * them, so the agent's answers are read without Jackson's default 20 million character limit on one string (a
 * get_archive answer carries the archive as one Base64 string).
 */
public final class ComputeClient {
    /**
     * The largest tar archive copied into or out of a container: the agent's limit
     * ({@code InternalEndpoint.MAX_ARCHIVE_BYTES} in compute-verticle, which this module cannot see; a launcher test
     * checks the two agree). The API's put_archive body limit is derived from it.
     */
    public static final long MAX_ARCHIVE_BYTES = 64L * 1024 * 1024;
    /** The length of the Base64 text of the largest archive (padded, no line breaks). */
    public static final long MAX_ARCHIVE_BASE64_CHARS = base64Length(MAX_ARCHIVE_BYTES);
    /** Parses the agent's answers: one string may hold the Base64 of the largest archive. */
    private static final JsonFactory ANSWERS = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxStringLength(Math.toIntExact(MAX_ARCHIVE_BASE64_CHARS)).build())
            .build();

    /** An answer larger than this is parsed off the event loop. */
    private static final int LARGE_ANSWER = 1024 * 1024;

    private final Vertx vertx;
    private final WebClient http;
    private final Transactions db;
    private final ComputeNodeRepository nodes = new ComputeNodeRepository();
    private final TokenService tokens;
    private final Clock clock;
    private final long logsMaxBytes;
    private volatile TokenService.Token serviceToken;

    public ComputeClient(Vertx vertx, Transactions db, TokenService tokens, Clock clock) {
        this(vertx, db, tokens, clock, ZunvxConfig.Compute.DEFAULT_LOGS_MAX_BYTES);
    }

    /**
     * @param logsMaxBytes the cap of a {@code logs} answer ({@code ZUNVX_LOGS_MAX_BYTES}); the agent applies it too,
     *                     and whatever an agent sends beyond it (and its marker line) is cut here as well
     */
    public ComputeClient(Vertx vertx, Transactions db, TokenService tokens, Clock clock, long logsMaxBytes) {
        this.logsMaxBytes = logsMaxBytes;
        this.vertx = vertx;
        this.http = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(5000).setIdleTimeout(60)
                .setKeepAlive(true));
        this.db = db;
        this.tokens = tokens;
        this.clock = clock;
    }

    /**
     * GET {@code path} (under {@code /internal/v1}) on {@code host}'s agent; the body as text, streamed through a
     * {@link LogTail} so that at most the logs cap (plus the agent's marker line) is ever held, whatever the agent
     * sends.
     */
    public Future<String> getLogText(String host, String path, Map<String, String> query) {
        return endpoint(host).compose(base -> {
            LogTail tail = new LogTail(logsMaxBytes + LogTail.MARKER_ROOM);
            var req = http.getAbs(base + "/internal/v1" + path)
                    .putHeader("Authorization", "Bearer " + token())
                    .timeout(Duration.ofMinutes(2).toMillis())
                    .as(BodyCodec.pipe(tail, false));
            query.forEach((k, v) -> {
                if (v != null) {
                    req.addQueryParam(k, v);
                }
            });
            return req.send()
                    .recover(err -> Future.failedFuture(ZunException.unavailable(
                            "The compute service on host " + host + " is not reachable.", err)))
                    .compose(r -> {
                        if (r.statusCode() == 200) {
                            return Future.succeededFuture(tail.text());
                        }
                        if (r.statusCode() == 404) {
                            return Future.succeededFuture("");
                        }
                        return Future.failedFuture(new ZunException(r.statusCode() >= 500 ? 500 : r.statusCode(),
                                "", "The compute service answered " + r.statusCode()));
                    });
        });
    }

    /** GET {@code path} on {@code host}'s agent; its JSON object answer. */
    public Future<JsonObject> getJson(String host, String path, Map<String, String> query) {
        return call(HttpMethod.GET, host, path, query, null, null);
    }

    /** POST a JSON object to {@code path} on {@code host}'s agent; its JSON object answer. */
    public Future<JsonObject> postJson(String host, String path, Map<String, String> query, JsonObject body) {
        return call(HttpMethod.POST, host, path, query, body == null ? null : body.toBuffer(), "application/json");
    }

    /** PUT raw bytes (e.g. a tar archive) to {@code path} on {@code host}'s agent; its JSON object answer. */
    public Future<JsonObject> putBytes(String host, String path, Map<String, String> query, Buffer body,
                                       String contentType) {
        return call(HttpMethod.PUT, host, path, query, body, contentType);
    }

    /**
     * One call to {@code host}'s agent. The agent's Zun errors below 500 come back as the same
     * {@link ZunException} (status, code and message), so the API answers as if it had failed itself; an agent that
     * cannot be reached is 503; the agent's internal errors become an internal error here.
     */
    private Future<JsonObject> call(HttpMethod method, String host, String path, Map<String, String> query,
                                    Buffer body, String contentType) {
        return endpoint(host).compose(base -> {
            var req = http.requestAbs(method, base + "/internal/v1" + path)
                    .putHeader("Authorization", "Bearer " + token())
                    .timeout(Duration.ofMinutes(2).toMillis());
            if (query != null) {
                query.forEach((k, v) -> {
                    if (v != null) {
                        req.addQueryParam(k, v);
                    }
                });
            }
            Future<HttpResponse<Buffer>> sent;
            if (body == null) {
                sent = req.send();
            } else {
                req.putHeader("Content-Type", contentType);
                sent = req.sendBuffer(body);
            }
            return sent.recover(err -> Future.failedFuture(ZunException.unavailable(
                            "The compute service on host " + host + " is not reachable.", err)))
                    .compose(r -> r.body() != null && r.body().length() > LARGE_ANSWER
                            ? vertx.executeBlocking(() -> json(host, r), false).compose(f -> f)
                            : json(host, r));
        });
    }

    private static Future<JsonObject> json(String host, HttpResponse<Buffer> r) {
        if (r.statusCode() == 200) {
            try {
                Buffer b = r.body();
                return Future.succeededFuture(b == null || b.length() == 0 ? new JsonObject() : object(b));
            } catch (RuntimeException e) {
                return Future.failedFuture(new IllegalStateException("compute host " + host
                        + " answered with a body that is no JSON object", e));
            }
        }
        JsonObject error = null;
        try {
            JsonObject b = r.body() == null ? null : r.body().toJsonObject();
            JsonArray errors = b == null ? null : b.getJsonArray("errors");
            error = errors == null || errors.isEmpty() ? null : errors.getJsonObject(0);
        } catch (RuntimeException ignored) {
            // not a Zun error body: handled below by status alone
        }
        String detail = error == null ? "status " + r.statusCode() : error.getString("detail");
        if (r.statusCode() == 503) {
            return Future.failedFuture(ZunException.unavailable(detail, null));
        }
        if (r.statusCode() >= 500 || error == null) {
            return Future.failedFuture(new IllegalStateException("compute host " + host + " answered "
                    + r.statusCode() + ": " + detail));
        }
        String code = error.getString("code", "");
        code = code.startsWith("container.") ? code.substring("container.".length()) : code;
        return Future.failedFuture(new ZunException(r.statusCode(), code, error.getString("title", detail)));
    }

    /** The length of the padded Base64 text of {@code bytes} bytes. */
    public static long base64Length(long bytes) {
        return (bytes + 2) / 3 * 4;
    }

    /** An answer of the agent as a JSON object, its strings as long as an archive's Base64 (see {@link #ANSWERS}). */
    static JsonObject object(Buffer body) {
        Object parsed;
        try {
            parsed = JacksonCodec.fromParser(ANSWERS.createParser(stream(body)), Object.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!(parsed instanceof JsonObject o)) {
            throw new DecodeException("not a JSON object");
        }
        return o;
    }

    /** Reads a buffer without copying it whole (an answer may be an archive of tens of MiB). */
    public static InputStream stream(Buffer b) {
        return new InputStream() {
            private int pos;

            @Override
            public int read() {
                return pos < b.length() ? b.getByte(pos++) & 0xff : -1;
            }

            @Override
            public int read(byte[] dst, int off, int len) {
                if (len == 0) {
                    return 0;
                }
                int n = Math.min(len, b.length() - pos);
                if (n <= 0) {
                    return -1;
                }
                b.getBytes(pos, pos + n, dst, off);
                pos += n;
                return n;
            }
        };
    }

    private Future<String> endpoint(String host) {
        return db.read(sql -> nodes.find(sql, host)).compose(n -> n.isPresent() && n.get().internalEndpoint() != null
                ? Future.succeededFuture(n.get().internalEndpoint())
                : Future.failedFuture(ZunException.unavailable("Compute host " + host + " is unknown.", null)));
    }

    private String token() {
        TokenService.Token t = serviceToken;
        if (t == null || t.expiresAt().minusSeconds(60).isBefore(clock.instant())) {
            t = tokens.issue(new Identity("zunvx-api", "zunvx-api", "service", "service", List.of("service"),
                    null));
            serviceToken = t;
        }
        return t.value();
    }

    public void close() {
        http.close();
    }
}
