package io.zunvx.api.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class HostileInputTest {
    @Test
    void nulAndLoneSurrogatesAreProblems() {
        assertNotNull(HostileInput.problem("{\"a\": \"x\\u0000\"}"));
        assertNotNull(HostileInput.problem("{\"a\": \"x\0\"}"));
        assertNotNull(HostileInput.problem("{\"a\": \"\\ud800\"}"));
        assertNotNull(HostileInput.problem("{\"a\": \"\\uDC00x\"}"));
        assertNotNull(HostileInput.problem("{\"a\": \"\\ud800\\u0041\"}"));
        assertNotNull(HostileInput.problem("{\"\\u0000\": 1}"));
    }

    @Test
    void ordinaryJsonIsFine() {
        assertNull(HostileInput.problem("{\"a\": \"x\\\\u0000\"}"));
        assertNull(HostileInput.problem("{\"a\": \"\\ud83d\\ude00 \\u00e9 \\\" \\n\"}"));
        assertNull(HostileInput.problem("{\"a\": \"\\u12\"}"));
        assertNull(HostileInput.problem("[1, 2, \"\\\\\"]"));
    }

    @Test
    void jsonContentTypes() {
        assertTrue(HostileInput.isJson("application/json"));
        assertTrue(HostileInput.isJson("Application/JSON; charset=utf-8"));
        assertTrue(HostileInput.isJson("application/merge-patch+json"));
        assertTrue(HostileInput.isJson("application/openstack-images-v2.1-json-patch"));
        assertFalse(HostileInput.isJson("text/plain"));
        assertFalse(HostileInput.isJson("application/x-www-form-urlencoded"));
        assertFalse(HostileInput.isJson(null));
    }
}
