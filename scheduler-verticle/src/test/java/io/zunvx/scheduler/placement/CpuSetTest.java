package io.zunvx.scheduler.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CpuSetTest {

    @Test
    void rangeHoldsExactlyItsIds() {
        // GIVEN / WHEN
        CpuSet set = CpuSet.range(0, 70);

        // THEN
        assertEquals(70, set.size());
        assertTrue(set.contains(0));
        assertTrue(set.contains(69));
        assertFalse(set.contains(70));
        assertFalse(set.contains(-1));
        assertEquals(CpuSet.EMPTY, CpuSet.range(3, 3));
    }

    @Test
    void lowestSkipsExcludedIds() {
        // GIVEN
        CpuSet pinnable = CpuSet.range(0, 8);
        CpuSet pinned = CpuSet.of(0, 1, 3);

        // WHEN
        List<Integer> chosen = pinnable.lowest(3, pinned);

        // THEN
        assertEquals(List.of(2, 4, 5), chosen);
        assertEquals(5, pinnable.sizeMinus(pinned));
        assertEquals(List.of(2, 4, 5, 6, 7), pinnable.lowest(10, pinned));
    }

    @Test
    void unionAndMinusAreValues() {
        // GIVEN
        CpuSet a = CpuSet.of(1, 2, 65);
        CpuSet b = CpuSet.of(2, 3);

        // WHEN / THEN
        assertEquals(CpuSet.of(1, 2, 3, 65), a.union(b));
        assertEquals(CpuSet.of(1, 65), a.minus(b));
        assertEquals(CpuSet.of(1, 2), a.minus(CpuSet.of(65)));
        assertEquals(CpuSet.of(List.of(65, 1, 2)), a);
        assertEquals(a.hashCode(), CpuSet.of(65, 2, 1).hashCode());
    }

    @Test
    void printsCpusetListFormat() {
        assertEquals("0-3,6,8-9", CpuSet.of(0, 1, 2, 3, 6, 8, 9).toString());
        assertEquals("", CpuSet.EMPTY.toString());
        assertEquals("5", CpuSet.of(5).toString());
    }

    @Test
    void rejectsNegativeIds() {
        assertThrows(IllegalArgumentException.class, () -> CpuSet.of(-1));
        assertThrows(IllegalArgumentException.class, () -> CpuSet.range(2, 1));
    }
}
