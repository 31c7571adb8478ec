package io.zunvx.api.events;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.zunvx.api.http.RequestContext;
import io.zunvx.api.policy.Policy;
import io.zunvx.api.http.QueryParams;
import io.zunvx.platform.auth.Identity;
import io.zunvx.platform.error.ZunException;
import io.zunvx.platform.kafka.KafkaSettings;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code GET /v1/events}: the caller's container and image events as Server-Sent Events, read from Kafka (see
 * {@code docs/events.md}). Authenticated and checked like the rest of {@code /v1}: {@code container:get_all} to open
 * the stream, {@code container:get_all_all_projects} for {@code all_projects}, and per event the rules in
 * {@link EventView}.
 */
public final class EventsApi {
    /** Streams one API process serves at once; more answer 503. */
    public static final int MAX_STREAMS = 256;
    /** Bytes written but not yet taken by the client above which a stream is ended (per connection). */
    public static final int MAX_BUFFER_BYTES = 1024 * 1024;
    /** The smallest buffer a client may ask for. */
    public static final int MIN_BUFFER_BYTES = 4096;
    static final int DEFAULT_HEARTBEAT_SECONDS = 15;
    static final int MAX_HEARTBEAT_SECONDS = 300;

    private final KafkaSettings kafka;
    private final Policy policy;
    private final AtomicInteger open = new AtomicInteger();

    public EventsApi(KafkaSettings kafka, Policy policy) {
        this.kafka = kafka;
        this.policy = policy;
    }

    public void mount(Router router) {
        router.get("/v1/events").handler(this::stream);
    }

    /** Streams open in this process now. */
    public int openStreams() {
        return open.get();
    }

    private void stream(RoutingContext ctx) {
        Identity who = RequestContext.identity(ctx);
        boolean allProjects = QueryParams.allProjects(ctx.queryParams());
        policy.enforce("container:get_all", who);
        if (allProjects) {
            policy.enforce("container:get_all_all_projects", who);
        }
        int heartbeat = bounded(ctx, "heartbeat", DEFAULT_HEARTBEAT_SECONDS, 1, MAX_HEARTBEAT_SECONDS);
        int buffer = bounded(ctx, "buffer", MAX_BUFFER_BYTES, MIN_BUFFER_BYTES, MAX_BUFFER_BYTES);
        String lastId = ctx.request().getHeader("Last-Event-ID");
        StreamPosition from = lastId == null || lastId.isBlank() ? null : StreamPosition.parse(lastId);
        if (open.incrementAndGet() > MAX_STREAMS) {
            open.decrementAndGet();
            throw ZunException.unavailable("Too many event streams are open on this API process; try again later.",
                    null);
        }
        EventStream s = new EventStream(ctx.vertx().getOrCreateContext(), ctx.response(), kafka,
                new EventView(policy, who, allProjects), from, Duration.ofSeconds(heartbeat), buffer,
                who.expiresAt(), open::decrementAndGet);
        s.start(e -> ctx.fail(ZunException.unavailable("The event source is unavailable.", e)));
    }

    private static int bounded(RoutingContext ctx, String name, int dflt, int min, int max) {
        String v = ctx.queryParams().get(name);
        if (v == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ZunException.invalid("Invalid value for " + name + ": '" + v + "'; expected an integer from " + min
                + " to " + max + ".");
    }
}
