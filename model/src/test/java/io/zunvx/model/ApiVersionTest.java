package io.zunvx.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ApiVersionTest {
    @Test
    void versionsCompareNumerically() {
        assertTrue(ApiVersion.parse("1.9").compareTo(ApiVersion.parse("1.10")) < 0);
        assertTrue(ApiVersion.parse("1.40").atLeast(20));
        assertFalse(ApiVersion.parse("1.19").atLeast(20));
        assertTrue(ApiVersion.parse("1.13").atMost(13));
        assertEquals("1.40", ApiVersion.MAX.toString());
    }

    @Test
    void supportedRangeIsOneOneToOneForty() {
        assertTrue(ApiVersion.v1(1).supported());
        assertTrue(ApiVersion.v1(40).supported());
        assertFalse(ApiVersion.v1(41).supported());
        assertFalse(new ApiVersion(2, 0).supported());
        assertFalse(new ApiVersion(1, 0).supported());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "1.", ".1", "1.x", "a.b", "1.2.3", "-1.2", "1234567.1"})
    void garbageIsRejected(String text) {
        assertThrows(IllegalArgumentException.class, () -> ApiVersion.parse(text));
    }
}
