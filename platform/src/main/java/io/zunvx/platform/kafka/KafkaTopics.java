package io.zunvx.platform.kafka;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.admin.NewTopic;
import io.vertx.kafka.admin.TopicDescription;
import io.vertx.kafka.client.common.Node;
import io.vertx.kafka.client.common.TopicPartitionInfo;
import io.zunvx.platform.concurrent.Blocking;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Creates the topics a role needs when they are missing; existing topics are left as they are. */
public final class KafkaTopics {
    /** Below this many brokers topics get one replica; from it on, three. */
    private static final int REPLICATED_CLUSTER_SIZE = 3;
    private static final long READY_TIMEOUT_MS = 30_000;
    private static final long READY_POLL_MS = 50;

    private KafkaTopics() {
    }

    /**
     * Makes sure every topic exists, creating the missing ones with the given partition count, and completes once
     * every partition of the topics it created has a leader. Idempotent and safe to race with another process doing
     * the same; a topic that exists with other settings is not altered. The cluster is asked even when the map is
     * empty, so that call tells whether Kafka answers. Fails if Kafka does not answer within about 15 seconds.
     */
    public static Future<Void> ensure(Vertx vertx, KafkaSettings settings, Map<String, Integer> partitionsByTopic) {
        partitionsByTopic.forEach((topic, partitions) -> {
            if (topic == null || topic.isBlank() || partitions == null || partitions < 1) {
                throw new IllegalArgumentException("bad topic request: " + topic + " -> " + partitions);
            }
        });
        Map<String, String> config = settings.adminConfig("topics");
        // The admin client's defaults wait a minute for an unreachable cluster.
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000");
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        // The client's constructor resolves the bootstrap host names: keep it off the event loop.
        return Blocking.once(vertx.getOrCreateContext(), "kafka-admin-client",
                        () -> AdminClient.create(new HashMap<String, Object>(config)))
                .compose(client -> {
                    KafkaAdminClient admin = KafkaAdminClient.create(vertx, client);
                    return ensure(vertx, admin, partitionsByTopic).eventually(admin::close);
                });
    }

    private static Future<Void> ensure(Vertx vertx, KafkaAdminClient admin, Map<String, Integer> partitionsByTopic) {
        return admin.describeCluster()
                .map(cluster -> cluster.getNodes().size() >= REPLICATED_CLUSTER_SIZE ? (short) 3 : (short) 1)
                .compose(replicas -> admin.listTopics().compose(existing -> create(admin, existing,
                        partitionsByTopic, replicas)))
                .compose(created -> awaitLeaders(vertx, admin, created, System.currentTimeMillis() + READY_TIMEOUT_MS));
    }

    private static Future<List<String>> create(KafkaAdminClient admin, Set<String> existing,
                                               Map<String, Integer> partitionsByTopic, short replicas) {
        List<String> created = new ArrayList<>();
        List<Future<Void>> creations = new ArrayList<>();
        partitionsByTopic.forEach((topic, partitions) -> {
            if (!existing.contains(topic)) {
                created.add(topic);
                // One request per topic, so a topic another process just created does not hide the others' results.
                creations.add(admin.createTopics(List.of(new NewTopic(topic, partitions, replicas)))
                        .recover(e -> rootCause(e) instanceof TopicExistsException
                                ? Future.succeededFuture()
                                : Future.failedFuture(e)));
            }
        });
        return Future.all(creations).map(created);
    }

    /** Producing before a new partition has its leader draws retriable errors and, worse, can reorder batches. */
    private static Future<Void> awaitLeaders(Vertx vertx, KafkaAdminClient admin, List<String> topics, long deadline) {
        if (topics.isEmpty()) {
            return Future.succeededFuture();
        }
        return admin.describeTopics(topics)
                .map(KafkaTopics::allLed)
                .recover(e -> rootCause(e) instanceof UnknownTopicOrPartitionException
                        ? Future.succeededFuture(false)
                        : Future.failedFuture(e))
                .compose(ready -> {
                    if (ready) {
                        return Future.succeededFuture();
                    }
                    if (System.currentTimeMillis() > deadline) {
                        return Future.failedFuture(new IllegalStateException("topics have no leader yet: " + topics));
                    }
                    return vertx.timer(READY_POLL_MS, TimeUnit.MILLISECONDS)
                            .compose(v -> awaitLeaders(vertx, admin, topics, deadline));
                });
    }

    private static boolean allLed(Map<String, TopicDescription> descriptions) {
        for (TopicDescription d : descriptions.values()) {
            for (TopicPartitionInfo p : d.getPartitions()) {
                Node leader = p.getLeader();
                if (leader == null || leader.getId() < 0) {
                    return false;
                }
            }
        }
        return true;
    }

    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t && !(t instanceof TopicExistsException)
                && !(t instanceof UnknownTopicOrPartitionException)) {
            t = t.getCause();
        }
        return t;
    }
}
