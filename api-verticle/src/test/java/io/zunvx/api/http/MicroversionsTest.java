package io.zunvx.api.http;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zunvx.model.ApiVersion;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MicroversionsTest {
    private static final String RANGE = " The supported version range is: [container 1.1, container 1.40].";

    @Test
    void absentHeaderMeansBaseVersion() {
        assertEquals(ApiVersion.v1(1), Microversions.parse(null));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "container latest | 40",
            "container LATEST | 40",
            "container 1.1    | 1",
            "container 1.9    | 9",
            "container 1.10   | 10",
            "container 1.40   | 40",
            "container 1.040  | 40",
            "'  container   1.20 ' | 20",
            // Zun swaps in its own "container <max>" for latest before it checks the service token.
            "compute latest   | 40"})
    void acceptedValues(String header, int minor) {
        assertEquals(ApiVersion.v1(minor), Microversions.parse(header));
    }

    @Test
    void versionsCompareNumerically() {
        assertTrue(Microversions.parse("container 1.9").compareTo(Microversions.parse("container 1.10")) < 0);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "container 1.41 | 1.41",
            "container 1.0  | 1.0",
            "container 1.99999999999 | 1.99999999999"})
    void minorOutsideRangeIsUnsupported(String header, String shown) {
        MicroversionNotAcceptable e = assertThrows(MicroversionNotAcceptable.class,
                () -> Microversions.parse(header));
        assertEquals(406, e.status());
        assertEquals("", e.code());
        assertEquals("Requested microversion is unsupported", e.title());
        assertEquals("Version " + shown + " was requested but the minor version is not supported by this service."
                + RANGE, e.detail());
        assertEquals(Optional.of("container " + shown), e.versionHeader());
        assertEquals("container " + shown, e.responseHeaders().get(Microversions.HEADER));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"container 2.0 | 2.0", "container 0.5 | 0.5", "container -1.5 | -1.5"})
    void otherMajorIsUnsupported(String header, String shown) {
        MicroversionNotAcceptable e = assertThrows(MicroversionNotAcceptable.class,
                () -> Microversions.parse(header));
        assertEquals(406, e.status());
        assertEquals("Requested microversion is unsupported", e.title());
        assertEquals("Mutually exclusive versions requested. Version " + shown
                + " requested but not supported by this service." + RANGE, e.detail());
    }

    @ParameterizedTest
    @ValueSource(strings = {"compute 1.2", "garbage", "", "   ", "container", "container 1.2 extra", "1.2"})
    void malformedServiceIsNotAcceptable(String header) {
        MicroversionNotAcceptable e = assertThrows(MicroversionNotAcceptable.class,
                () -> Microversions.parse(header));
        assertEquals(406, e.status());
        assertEquals("Not Acceptable", e.title());
        assertEquals("Invalid service type for OpenStack-API-Version header", e.detail());
        assertEquals(Optional.empty(), e.versionHeader());
        assertEquals(Map.of("OpenStack-API-Minimum-Version", "container 1.1",
                "OpenStack-API-Maximum-Version", "container 1.40", "Vary", "OpenStack-API-Version"),
                e.responseHeaders());
    }

    @ParameterizedTest
    @ValueSource(strings = {"container 1", "container 1.x", "container 1.2.3", "container .5", "container 1.",
            "container x.1"})
    void malformedVersionIsNotAcceptable(String header) {
        MicroversionNotAcceptable e = assertThrows(MicroversionNotAcceptable.class,
                () -> Microversions.parse(header));
        assertEquals(406, e.status());
        assertEquals("Not Acceptable", e.title());
        assertEquals("Invalid value for OpenStack-API-Version header", e.detail());
        assertEquals(Optional.empty(), e.versionHeader());
        assertEquals("container 1.40", e.responseHeaders().get("OpenStack-API-Maximum-Version"));
    }

    @Test
    void methodOutsideItsRangeIsNotAcceptable() {
        MicroversionNotAcceptable e = assertThrows(MicroversionNotAcceptable.class,
                () -> Microversions.requireRange(ApiVersion.v1(40), 1, 13));
        assertEquals(406, e.status());
        assertEquals("Not Acceptable", e.title());
        assertEquals("Version 1.40 was requested but the requested API is not supported for this version.",
                e.detail());
        assertEquals(Optional.of("container 1.40"), e.versionHeader());
    }

    @Test
    void rangeBoundsAreInclusive() {
        assertDoesNotThrow(() -> Microversions.requireRange(ApiVersion.v1(13), 1, 13));
        assertDoesNotThrow(() -> Microversions.requireRange(ApiVersion.v1(1), 1, 13));
        assertDoesNotThrow(() -> Microversions.requireAtLeast(ApiVersion.v1(8), 8));
        MicroversionNotAcceptable e = assertThrows(MicroversionNotAcceptable.class,
                () -> Microversions.requireAtLeast(ApiVersion.v1(7), 8));
        assertEquals("Version 1.7 was requested but the requested API is not supported for this version.",
                e.detail());
    }

    @Test
    void responseHeadersNameTheRangeAndTheEffectiveVersion() {
        Map<String, String> h = Microversions.responseHeaders(ApiVersion.v1(40));
        assertEquals(List.of("OpenStack-API-Minimum-Version", "OpenStack-API-Maximum-Version",
                "OpenStack-API-Version", "Vary"), List.copyOf(h.keySet()));
        assertEquals("container 1.1", h.get("OpenStack-API-Minimum-Version"));
        assertEquals("container 1.40", h.get("OpenStack-API-Maximum-Version"));
        assertEquals("container 1.40", h.get("OpenStack-API-Version"));
        assertEquals("OpenStack-API-Version", h.get("Vary"));
        assertEquals("container 1.5", Microversions.headerValue(ApiVersion.v1(5)));
    }
}
