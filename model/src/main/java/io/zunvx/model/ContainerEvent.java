package io.zunvx.model;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;

/** Facts about containers, published on {@link Topics#CONTAINER_EVENTS} keyed by uuid. */
public sealed interface ContainerEvent {

    UUID uuid();

    /** Per-container sequence number, increasing by one per event; subscribers drop what they have seen. */
    long sequence();

    Instant time();

    String type();

    /**
     * The container's status or task state changed (including creation, {@code Deleted} on removal, and
     * {@code Error}). {@code container} is the admin view of Zun's container object without links.
     *
     * @param requestId the API request behind the change, if any
     */
    record StateChanged(UUID uuid, long sequence, Instant time, String requestId, Map<String, Object> container)
            implements ContainerEvent {
        public static final String TYPE = "io.zunvx.container.state-changed.v1";

        public StateChanged {
            Objects.requireNonNull(uuid, "uuid");
            Objects.requireNonNull(time, "time");
            // Nulls are kept: "task_state": null says the container is idle.
            container = Collections.unmodifiableMap(
                    new LinkedHashMap<>(Objects.requireNonNull(container, "container")));
        }

        /** What stands for every environment value in an event. */
        public static final String HIDDEN = "***";

        /**
         * The event of {@code c}'s current row: the admin view, but the environment's values (often secrets) are
         * {@value #HIDDEN}; only the variable names travel on the topic and the dead-letter topic.
         */
        public static StateChanged of(Container c, Instant time, String requestId) {
            Map<String, Object> view = ContainerView.render(c, null, true);
            Map<String, String> names = new TreeMap<>();
            c.environment().keySet().forEach(k -> names.put(k, HIDDEN));
            view.put("environment", names);
            return new StateChanged(c.uuid(), c.eventSequence(), time, requestId, view);
        }

        @Override
        public String type() {
            return TYPE;
        }
    }
}
