package io.zunvx.api.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.zunvx.model.Topics;
import io.zunvx.platform.error.ZunException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class StreamPositionTest {
    private static final TopicPartition C0 = new TopicPartition(Topics.CONTAINER_EVENTS, 0);
    private static final TopicPartition C10 = new TopicPartition(Topics.CONTAINER_EVENTS, 10);
    private static final TopicPartition I1 = new TopicPartition(Topics.IMAGE_EVENTS, 1);
    private static final TopicPartition K2 = new TopicPartition(Topics.CAPSULE_EVENTS, 2);

    @Test
    void anIdNamesTheNextOffsetOfEveryPartitionAndParsesBack() {
        Map<TopicPartition, Long> next = new LinkedHashMap<>();
        next.put(I1, 3L);
        next.put(C10, 0L);
        next.put(C0, 12L);
        next.put(K2, 7L);
        StreamPosition p = StreamPosition.of(next);
        assertEquals("c0:12,c10:0,i1:3,k2:7", p.id());
        StreamPosition back = StreamPosition.parse(p.id());
        assertEquals(12L, back.next(C0));
        assertEquals(3L, back.next(I1));
        assertEquals(7L, back.next(K2));
        assertNull(back.next(new TopicPartition(Topics.IMAGE_EVENTS, 0)));
    }

    @Test
    void movingPastARecordChangesOnlyItsPartition() {
        StreamPosition p = StreamPosition.parse("c0:12,i1:3").after(C0, 12);
        assertEquals("c0:13,i1:3", p.id());
        assertEquals("c0:13,c10:5,i1:3", p.after(C10, 4).id());
    }

    @Test
    void anythingElseIsA400() {
        for (String bad : new String[] {"", "x0:1", "c0", "c0:", "c:1", "c-1:2", "c0:-1", "c0:1,c0:2", "c0:1,,i0:1",
                "c0:abc", "c0:1 i0:1", "c99999999999:1"}) {
            ZunException e = assertThrows(ZunException.class, () -> StreamPosition.parse(bad), bad);
            assertEquals(400, e.status(), bad);
        }
    }
}
