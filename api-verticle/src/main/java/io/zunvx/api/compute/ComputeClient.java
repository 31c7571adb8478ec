package io.zunvx.api.compute;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Pool;
import io.zunvx.platform.auth.Identity;
import io.zunvx.platform.auth.TokenService;
import io.zunvx.platform.error.ZunException;
import io.zunvx.platform.host.ComputeNodeRepository;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Synchronous calls from the API to a compute agent's internal endpoint (logs, and later top, stats, exec and
 * archives), authenticated with a short-lived platform service token.
 */
public final class ComputeClient {
    private final WebClient http;
    private final Pool pool;
    private final ComputeNodeRepository nodes = new ComputeNodeRepository();
    private final TokenService tokens;
    private final Clock clock;
    private volatile TokenService.Token serviceToken;

    public ComputeClient(Vertx vertx, Pool pool, TokenService tokens, Clock clock) {
        this.http = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(5000).setIdleTimeout(60)
                .setKeepAlive(true));
        this.pool = pool;
        this.tokens = tokens;
        this.clock = clock;
    }

    /** GET {@code path} (under {@code /internal/v1}) on {@code host}'s agent; the body as text. */
    public Future<String> getText(String host, String path, Map<String, String> query) {
        return endpoint(host).compose(base -> {
            var req = http.getAbs(base + "/internal/v1" + path)
                    .putHeader("Authorization", "Bearer " + token())
                    .timeout(Duration.ofMinutes(2).toMillis());
            query.forEach((k, v) -> {
                if (v != null) {
                    req.addQueryParam(k, v);
                }
            });
            return req.send()
                    .recover(err -> Future.failedFuture(ZunException.unavailable(
                            "The compute service on host " + host + " is not reachable.", err)))
                    .compose(ComputeClient::text);
        });
    }

    private static Future<String> text(HttpResponse<Buffer> r) {
        if (r.statusCode() == 200) {
            return Future.succeededFuture(r.bodyAsString() == null ? "" : r.bodyAsString());
        }
        if (r.statusCode() == 404) {
            return Future.succeededFuture("");
        }
        return Future.failedFuture(new ZunException(r.statusCode() >= 500 ? 500 : r.statusCode(), "",
                "The compute service answered " + r.statusCode()));
    }

    private Future<String> endpoint(String host) {
        return nodes.find(pool, host).compose(n -> n.isPresent() && n.get().internalEndpoint() != null
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
