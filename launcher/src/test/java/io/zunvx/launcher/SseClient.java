package io.zunvx.launcher;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** A test client of {@code GET /v1/events}: reads the stream on its own thread and keeps every event and comment. */
final class SseClient implements AutoCloseable {
    record Event(String id, String event, String data) {
        JsonObject json() {
            return new JsonObject(data);
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final List<String> comments = new CopyOnWriteArrayList<>();
    private final int status;
    private final InputStream body;
    private final Thread reader;
    private volatile boolean ended;

    private SseClient(String url, String token, String lastEventId) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream")
                .header("X-Auth-Token", token).GET();
        if (lastEventId != null) {
            b.header("Last-Event-ID", lastEventId);
        }
        try {
            HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            status = r.statusCode();
            body = r.body();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        reader = Thread.ofPlatform().daemon().name("sse-client").start(this::read);
    }

    /** Opens a stream; {@code lastEventId} may be null. */
    static SseClient open(String url, String token, String lastEventId) {
        return new SseClient(url, token, lastEventId);
    }

    int status() {
        return status;
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String id = null;
            String event = null;
            StringBuilder data = new StringBuilder();
            for (String line; (line = in.readLine()) != null; ) {
                if (line.isEmpty()) {
                    if (event != null || !data.isEmpty()) {
                        events.add(new Event(id, event, data.toString()));
                    }
                    id = null;
                    event = null;
                    data.setLength(0);
                } else if (line.startsWith(":")) {
                    comments.add(line);
                } else if (line.startsWith("id: ")) {
                    id = line.substring(4);
                } else if (line.startsWith("event: ")) {
                    event = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data.append(line.substring(6));
                }
            }
        } catch (IOException e) {
            // closed by the test
        } finally {
            ended = true;
        }
    }

    List<Event> events() {
        return new ArrayList<>(events);
    }

    List<String> comments() {
        return new ArrayList<>(comments);
    }

    boolean ended() {
        return ended;
    }

    /** The events named {@code event} whose data matches. */
    List<Event> matching(String event, Predicate<JsonObject> data) {
        return events().stream().filter(e -> event.equals(e.event()) && data.test(e.json())).toList();
    }

    /** The last event's id. */
    String lastId() {
        List<Event> all = events();
        return all.isEmpty() ? null : all.getLast().id();
    }

    @Override
    public void close() {
        try {
            body.close();
        } catch (IOException e) {
            // already closed
        }
        http.shutdownNow();
    }
}
