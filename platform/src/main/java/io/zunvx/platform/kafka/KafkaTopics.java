package io.zunvx.platform.kafka;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.admin.NewTopic;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates the topics a role needs when they are missing; existing topics are left as they are. */
public final class KafkaTopics {
    /** Below this many brokers topics get one replica; from it on, three. */
    private static final int REPLICATED_CLUSTER_SIZE = 3;

    private KafkaTopics() {
    }

    /**
     * Makes sure every topic exists, creating the missing ones with the given partition count. Idempotent and safe
     * to race with another process doing the same; a topic that exists with other settings is not altered.
     */
    public static Future<Void> ensure(Vertx vertx, KafkaSettings settings, Map<String, Integer> partitionsByTopic) {
        partitionsByTopic.forEach((topic, partitions) -> {
            if (topic == null || topic.isBlank() || partitions == null || partitions < 1) {
                throw new IllegalArgumentException("bad topic request: " + topic + " -> " + partitions);
            }
        });
        if (partitionsByTopic.isEmpty()) {
            return Future.succeededFuture();
        }
        KafkaAdminClient admin = KafkaAdminClient.create(vertx, settings.adminConfig("topics"));
        return admin.describeCluster()
                .map(cluster -> cluster.getNodes().size() >= REPLICATED_CLUSTER_SIZE ? (short) 3 : (short) 1)
                .compose(replicas -> admin.listTopics().compose(existing -> create(admin, existing,
                        partitionsByTopic, replicas)))
                .eventually(admin::close);
    }

    private static Future<Void> create(KafkaAdminClient admin, Set<String> existing,
                                       Map<String, Integer> partitionsByTopic, short replicas) {
        List<Future<Void>> creations = new ArrayList<>();
        partitionsByTopic.forEach((topic, partitions) -> {
            if (!existing.contains(topic)) {
                // One request per topic, so a topic another process just created does not hide the others' results.
                creations.add(admin.createTopics(List.of(new NewTopic(topic, partitions, replicas)))
                        .recover(e -> rootCause(e) instanceof TopicExistsException
                                ? Future.succeededFuture()
                                : Future.failedFuture(e)));
            }
        });
        return Future.all(creations).mapEmpty();
    }

    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t && !(t instanceof TopicExistsException)) {
            t = t.getCause();
        }
        return t;
    }
}
