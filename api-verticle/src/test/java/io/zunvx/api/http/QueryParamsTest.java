package io.zunvx.api.http;

import static io.zunvx.api.http.Requests.invalidValue;
import static io.zunvx.api.http.Requests.query;
import static io.zunvx.api.http.Requests.schemaError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.MultiMap;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class QueryParamsTest {
    static final String EXTENDED = Requests.EXTENDED;
    static final String NARROW = "[True, 'True', 'true', False, 'False', 'false']";

    @ParameterizedTest
    @ValueSource(strings = {"True", "TRUE", "true", "1", "ON", "On", "on", "YES", "Yes", "yes"})
    void extendedTrueSpellings(String spelling) {
        assertTrue(QueryParams.extendedBool(query("x=" + spelling), "x", false));
    }

    @ParameterizedTest
    @ValueSource(strings = {"False", "FALSE", "false", "0", "OFF", "Off", "off", "NO", "No", "no"})
    void extendedFalseSpellings(String spelling) {
        assertFalse(QueryParams.extendedBool(query("x=" + spelling), "x", true));
    }

    @ParameterizedTest
    @ValueSource(strings = {"tRue", "t", "y", "2", "", "None", "oN"})
    void extendedRejectsOtherSpellings(String spelling) {
        schemaError(() -> QueryParams.extendedBool(query("x=" + spelling), "x", false),
                "Invalid input for query parameters 'x'. Value: '" + spelling + "'. '" + spelling
                        + "' is not one of " + EXTENDED);
    }

    @ParameterizedTest
    @CsvSource({"True,true", "true,true", "False,false", "false,false"})
    void narrowSpellings(String spelling, boolean expected) {
        assertEquals(expected, QueryParams.narrowBool(query("x=" + spelling), "x", !expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"TRUE", "1", "yes", "on", "FALSE", "0", "no"})
    void narrowRejectsExtendedSpellings(String spelling) {
        schemaError(() -> QueryParams.narrowBool(query("x=" + spelling), "x", false),
                "Invalid input for query parameters 'x'. Value: '" + spelling + "'. '" + spelling
                        + "' is not one of " + NARROW);
    }

    @Test
    void absentBooleansTakeTheDefault() {
        assertTrue(QueryParams.extendedBool(query(""), "x", true));
        assertFalse(QueryParams.extendedBool(query("y=1"), "x", false));
        assertTrue(QueryParams.narrowBool(query(""), "x", true));
    }

    @Test
    void repeatedParameterIsAList() {
        schemaError(() -> QueryParams.extendedBool(query("x=true&x=false"), "x", false),
                "Invalid input for query parameters 'x'. Value: '['true', 'false']'. ['true', 'false'] is not of"
                        + " type 'boolean', 'string'");
    }

    @ParameterizedTest
    @CsvSource({"1,true", "t,true", "TRUE,true", "Yes,true", "y,true", "on,true", "' true ',true",
            "0,false", "f,false", "False,false", "NO,false", "n,false", "off,false"})
    void osloBooleans(String value, boolean expected) {
        assertEquals(expected, QueryParams.osloBool(value, "all_projects"));
    }

    @Test
    void osloBooleanRejectsOthers() {
        invalidValue(() -> QueryParams.osloBool("maybe", "all_projects"),
                "Valid all_projects values are: 1, t, true, on, y, yes, 0, f, false, off, n, no");
        assertFalse(QueryParams.osloBool("", "all_projects"));
        assertFalse(QueryParams.osloBool(null, "all_projects"));
    }

    @Test
    void noneMeansUnset() {
        assertNull(QueryParams.noneAsNull("None"));
        assertNull(QueryParams.noneAsNull(null));
        assertEquals("none", QueryParams.noneAsNull("none"));
        assertEquals("aux", QueryParams.noneAsNull("aux"));
    }

    @ParameterizedTest
    @CsvSource({"1,1", "2,2", "1000,1000", "5000,1000", "' 7 ',7", "+3,3"})
    void limits(String value, int expected) {
        assertEquals(expected, QueryParams.limit(value, 1000));
    }

    @Test
    void absentLimitIsTheCap() {
        assertEquals(1000, QueryParams.limit(null, 1000));
        assertEquals(50, QueryParams.limit(null, 50));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "abc", "", "1.5"})
    void badLimits(String value) {
        invalidValue(() -> QueryParams.limit(value, 1000), "Limit must be positive integer");
    }

    @Test
    void sortDirections() {
        assertEquals("asc", QueryParams.sortDir(null));
        assertEquals("asc", QueryParams.sortDir("asc"));
        assertEquals("desc", QueryParams.sortDir("desc"));
        invalidValue(() -> QueryParams.sortDir("up"),
                "Invalid sort direction: up. Acceptable values are 'asc' or 'desc'");
        invalidValue(() -> QueryParams.sortDir("ASC"),
                "Invalid sort direction: ASC. Acceptable values are 'asc' or 'desc'");
    }

    @Test
    void nonNegativeIntegers() {
        assertEquals(10, QueryParams.nonNegativeInt(query("t=10"), "t", 100));
        assertEquals(0, QueryParams.nonNegativeInt(query("t=0"), "t", 100));
        assertEquals(100, QueryParams.nonNegativeInt(query("t=100"), "t", 100));
        assertNull(QueryParams.nonNegativeInt(query("t="), "t", 100));
        assertNull(QueryParams.nonNegativeInt(query(""), "t", 100));
        schemaError(() -> QueryParams.nonNegativeInt(query("t=-1"), "t", 100),
                "Invalid input for query parameters 't'. Value: '-1'. '-1' does not match '^[0-9]*$'");
        schemaError(() -> QueryParams.nonNegativeInt(query("t=1.5"), "t", 100),
                "Invalid input for query parameters 't'. Value: '1.5'. '1.5' does not match '^[0-9]*$'");
        schemaError(() -> QueryParams.nonNegativeInt(query("t=101"), "t", 100),
                "Invalid input for query parameters 't'. Value: '101'. 101 is greater than the maximum of 100");
        schemaError(() -> QueryParams.nonNegativeInt(query("t=99999999999999999999999"), "t", 100),
                "Invalid input for query parameters 't'. Value: '99999999999999999999999'. 99999999999999999999999"
                        + " is greater than the maximum of 100");
    }

    @Test
    void additionalParametersOfActionSchemas() {
        MultiMap q = query("timeout=1&foo=2&bar=3&foo=4");
        schemaError(() -> QueryParams.rejectAdditional(q, List.of("timeout")),
                "Additional properties are not allowed ('foo', 'bar' were unexpected)");
        schemaError(() -> QueryParams.rejectAdditional(query("x=1"), List.of()),
                "Additional properties are not allowed ('x' was unexpected)");
    }

    @Test
    void unknownParametersOfLists() {
        invalidValue(() -> QueryParams.rejectUnknown(query("name=a&foo=1&bar=2"), List.of("name")),
                "Unknown parameters: foo, bar");
    }
}
