package io.zunvx.compute.docker;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HumanSizeTest {

    @Test
    void dockerSizesParseInDecimalAndBinaryUnits() {
        // GIVEN sizes as docker info prints them WHEN parsed THEN bytes, or -1 for anything else
        assertEquals(107_400_000_000L, HumanSize.parseBytes("107.4 GB"));
        assertEquals(2L * 1024 * 1024 * 1024, HumanSize.parseBytes("2GiB"));
        assertEquals(512L, HumanSize.parseBytes("512 B"));
        assertEquals(-1, HumanSize.parseBytes("lots"));
        assertEquals(-1, HumanSize.parseBytes("3 parsecs"));
        assertEquals(-1, HumanSize.parseBytes(null));
    }
}
