package io.zunvx.api.image;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.zunvx.platform.registry.RegistryRepository;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The read side of the Docker Registry HTTP API v2 that image search needs: the catalog and the tags of a
 * repository. Credentials are sent as HTTP Basic (what an htpasswd-protected registry asks for); a registry that
 * answers with a {@code Bearer} challenge gets a token from its realm first, with the same credentials. Plain HTTP is
 * used for loopback registries (as Docker treats them as insecure), HTTPS otherwise, unless the configured address
 * starts with a scheme.
 */
public final class RegistryClient implements AutoCloseable {
    private static final int PAGE = 1000;
    private static final int MAX_PAGES = 20;
    private static final Pattern NEXT_LINK = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");
    private static final Pattern CHALLENGE_PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    private final WebClient http;

    public RegistryClient(Vertx vertx) {
        this.http = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(5000).setIdleTimeout(30)
                .setFollowRedirects(true).setTrustAll(false));
    }

    /** The {@code host[:port]} of a configured registry address. */
    public static String domainOf(String registry) {
        String r = registry.replaceFirst("^[a-zA-Z][a-zA-Z0-9+.-]*://", "");
        int slash = r.indexOf('/');
        return slash < 0 ? r : r.substring(0, slash);
    }

    /** The base URL of a configured registry address. */
    static String baseUrl(String registry) {
        if (registry.matches("^https?://.*")) {
            return registry.replaceAll("/+$", "");
        }
        String host = domainOf(registry).replaceFirst(":[0-9]+$", "").toLowerCase(Locale.ROOT);
        boolean loopback = host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]");
        return (loopback ? "http://" : "https://") + domainOf(registry);
    }

    /** Every repository in the registry's catalog (up to {@value #MAX_PAGES} pages of {@value #PAGE}). */
    public Future<List<String>> catalog(String registry, Optional<RegistryRepository.Credentials> creds) {
        List<String> all = new ArrayList<>();
        return catalogPage(registry, baseUrl(registry) + "/v2/_catalog?n=" + PAGE, creds, all, 0);
    }

    private Future<List<String>> catalogPage(String registry, String url, Optional<RegistryRepository.Credentials> creds,
                                             List<String> all, int page) {
        return get(registry, url, creds).compose(resp -> {
            JsonArray repos = json(registry, resp).getJsonArray("repositories", new JsonArray());
            repos.forEach(r -> all.add(String.valueOf(r)));
            String link = resp.getHeader("Link");
            Matcher m = link == null ? null : NEXT_LINK.matcher(link);
            if (m != null && m.find() && page + 1 < MAX_PAGES) {
                String next = m.group(1);
                String abs = next.startsWith("http") ? next : baseUrl(registry) + next;
                return catalogPage(registry, abs, creds, all, page + 1);
            }
            return Future.succeededFuture(all);
        });
    }

    /** The tags of {@code repository}; none when the registry does not know it. */
    public Future<List<String>> tags(String registry, String repository,
                                     Optional<RegistryRepository.Credentials> creds) {
        return get(registry, baseUrl(registry) + "/v2/" + repository + "/tags/list", creds, true).compose(resp -> {
            if (resp.statusCode() == 404) {
                return Future.succeededFuture(List.<String>of());
            }
            JsonArray tags = json(registry, resp).getJsonArray("tags");
            List<String> out = new ArrayList<>();
            if (tags != null) {
                tags.forEach(t -> out.add(String.valueOf(t)));
            }
            out.sort(null);
            return Future.succeededFuture(out);
        });
    }

    private Future<HttpResponse<Buffer>> get(String registry, String url,
                                             Optional<RegistryRepository.Credentials> creds) {
        return get(registry, url, creds, false);
    }

    /** GET with Basic credentials; on a Bearer challenge, once more with a token from the realm. */
    private Future<HttpResponse<Buffer>> get(String registry, String url,
                                             Optional<RegistryRepository.Credentials> creds, boolean allow404) {
        HttpRequest<Buffer> req = http.getAbs(url).timeout(10_000).putHeader("Accept", "application/json");
        basic(creds).ifPresent(b -> req.putHeader("Authorization", b));
        return req.send()
                .recover(err -> Future.failedFuture(ImageSearch.refused(registry, "it cannot be reached ("
                        + (err.getMessage() == null ? err.getClass().getSimpleName() : err.getMessage()) + ")")))
                .compose(resp -> {
                    String challenge = resp.getHeader("WWW-Authenticate");
                    if (resp.statusCode() == 401 && challenge != null
                            && challenge.regionMatches(true, 0, "Bearer ", 0, 7)) {
                        return token(registry, challenge, creds).compose(token -> http.getAbs(url).timeout(10_000)
                                        .putHeader("Accept", "application/json")
                                        .putHeader("Authorization", "Bearer " + token).send()
                                        .recover(err -> Future.failedFuture(ImageSearch.refused(registry,
                                                "it cannot be reached (" + err.getMessage() + ")"))))
                                .compose(again -> checked(registry, again, allow404));
                    }
                    return checked(registry, resp, allow404);
                });
    }

    private Future<String> token(String registry, String challenge, Optional<RegistryRepository.Credentials> creds) {
        Map<String, String> params = new LinkedHashMap<>();
        Matcher m = CHALLENGE_PARAM.matcher(challenge.substring(7));
        while (m.find()) {
            params.put(m.group(1).toLowerCase(Locale.ROOT), m.group(2));
        }
        String realm = params.remove("realm");
        if (realm == null) {
            return Future.failedFuture(ImageSearch.refused(registry, "its authentication challenge names no realm"));
        }
        StringBuilder url = new StringBuilder(realm);
        char sep = realm.contains("?") ? '&' : '?';
        for (String key : List.of("service", "scope")) {
            if (params.containsKey(key)) {
                url.append(sep).append(key).append('=')
                        .append(URLEncoder.encode(params.get(key), StandardCharsets.UTF_8));
                sep = '&';
            }
        }
        HttpRequest<Buffer> req = http.getAbs(url.toString()).timeout(10_000);
        basic(creds).ifPresent(b -> req.putHeader("Authorization", b));
        return req.send()
                .recover(err -> Future.failedFuture(ImageSearch.refused(registry,
                        "its token service cannot be reached (" + err.getMessage() + ")")))
                .compose(resp -> {
                    if (resp.statusCode() != 200) {
                        return Future.failedFuture(ImageSearch.refused(registry, "its token service answered "
                                + resp.statusCode() + " " + resp.statusMessage() + reason(resp)));
                    }
                    JsonObject body = json(registry, resp);
                    String token = body.getString("token", body.getString("access_token"));
                    return token == null
                            ? Future.failedFuture(ImageSearch.refused(registry, "its token service gave no token"))
                            : Future.succeededFuture(token);
                });
    }

    private static Future<HttpResponse<Buffer>> checked(String registry, HttpResponse<Buffer> resp,
                                                        boolean allow404) {
        int s = resp.statusCode();
        if (s == 200 || (allow404 && s == 404)) {
            return Future.succeededFuture(resp);
        }
        return Future.failedFuture(ImageSearch.refused(registry, "it answered " + s + " " + resp.statusMessage()
                + reason(resp)));
    }

    /** The registry's own words from its error body ({@code {"errors": [{"message": ...}]}}), if any. */
    private static String reason(HttpResponse<Buffer> resp) {
        try {
            JsonObject body = resp.bodyAsJsonObject();
            JsonArray errors = body == null ? null : body.getJsonArray("errors");
            if (errors != null && !errors.isEmpty()) {
                String msg = errors.getJsonObject(0).getString("message");
                return msg == null ? "" : " (" + msg + ")";
            }
        } catch (RuntimeException ignored) {
            // not JSON: the status says enough
        }
        return "";
    }

    private static JsonObject json(String registry, HttpResponse<Buffer> resp) {
        try {
            JsonObject o = resp.bodyAsJsonObject();
            return o == null ? new JsonObject() : o;
        } catch (RuntimeException e) {
            throw ImageSearch.refused(registry, "its answer is not JSON");
        }
    }

    private static Optional<String> basic(Optional<RegistryRepository.Credentials> creds) {
        return creds.filter(c -> c.username() != null).map(c -> "Basic " + Base64.getEncoder().encodeToString(
                (c.username() + ":" + (c.password() == null ? "" : c.password())).getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public void close() {
        http.close();
    }
}
