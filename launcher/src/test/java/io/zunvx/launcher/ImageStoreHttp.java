package io.zunvx.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Requests to the image store's Glance subset ({@code /image/v2}) of an all-in-one platform, as one token. */
final class ImageStoreHttp {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ImageStoreHttp() {
    }

    /** Sends {@code method path} with {@code body} ({@code contentType} unless {@code null}); two minutes at most. */
    static HttpResponse<String> send(AllInOne platform, String token, String method, String path,
                                     HttpRequest.BodyPublisher body, String contentType) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + platform.apiPort()
                            + "/image/v2" + path))
                    .header("X-Auth-Token", token)
                    .timeout(Duration.ofMinutes(2))
                    .method(method, body);
            if (contentType != null) {
                b.header("Content-Type", contentType);
            }
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
