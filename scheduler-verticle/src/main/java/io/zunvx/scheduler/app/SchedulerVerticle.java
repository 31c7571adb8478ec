package io.zunvx.scheduler.app;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.zunvx.model.ContainerCommand;
import io.zunvx.model.Topics;
import io.zunvx.platform.events.Envelopes;
import io.zunvx.platform.http.Readiness;
import io.zunvx.platform.kafka.KafkaSettings;
import io.zunvx.platform.kafka.RecordLoop;
import io.zunvx.scheduler.claim.PlacementService;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler role's verticle (built by {@link SchedulerComponents}): consumes placement requests from {@code zunvx.scheduler.commands} and host events from
 * {@code zunvx.host.events}, and hands both to its {@link PlacementService}. Several instances may run: they split
 * the command topic's partitions, each keeps its own snapshot, and claims in PostgreSQL keep them honest.
 */
public final class SchedulerVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(SchedulerVerticle.class);

    private final PlacementService placement;
    private final KafkaSettings kafka;
    private final Readiness readiness;
    private RecordLoop commands;
    private RecordLoop hostEvents;

    /** Built by {@link SchedulerComponents#verticle()}. */
    SchedulerVerticle(PlacementService placement, KafkaSettings kafka, Readiness readiness) {
        this.placement = placement;
        this.kafka = kafka;
        this.readiness = readiness;
    }

    @Override
    public Future<?> start() {
        var ready = readiness.flag("scheduler");
        return placement.reload()
                .compose(v -> {
                    // Every scheduler needs every host report: a group of its own, from now on (the snapshot was
                    // just loaded from PostgreSQL).
                    hostEvents = RecordLoop.of(vertx, kafka, "zunvx-scheduler-hosts-" + UUID.randomUUID(),
                            List.of(Topics.HOST_EVENTS), RecordLoop.Options.defaults().startingAtLatest(), consumed -> {
                                placement.onHostEvent(consumed.event().getType(), new JsonObject(new String(
                                        consumed.event().getData().toBytes(), StandardCharsets.UTF_8)));
                                return Future.succeededFuture();
                            });
                    return hostEvents.start();
                })
                .compose(v -> {
                    commands = RecordLoop.of(vertx, kafka, "zunvx-scheduler",
                            List.of(Topics.SCHEDULER_COMMANDS), consumed -> {
                                ContainerCommand cmd = Envelopes.command(consumed.event());
                                if (cmd instanceof ContainerCommand.ScheduleContainer s) {
                                    return placement.schedule(s.uuid(), s.requestId());
                                }
                                LOG.warn("scheduler ignores {}", cmd.type());
                                return Future.succeededFuture();
                            });
                    return commands.start();
                })
                .onSuccess(v -> {
                    long every = Math.max(1000, Math.min(10_000,
                            placement.policy().serviceDownTime().toMillis() / 3));
                    vertx.setPeriodic(every, id -> placement.markUnknownOnDownHosts());
                    ready.set(true);
                    LOG.info("scheduler ready with {} host(s)", placement.snapshot().size());
                });
    }

    @Override
    public Future<?> stop() {
        List<Future<Void>> stopping = new ArrayList<>();
        if (commands != null) {
            stopping.add(commands.stop());
        }
        if (hostEvents != null) {
            stopping.add(hostEvents.stop());
        }
        return Future.join(stopping);
    }
}
