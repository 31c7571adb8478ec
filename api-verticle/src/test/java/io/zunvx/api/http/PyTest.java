package io.zunvx.api.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PyTest {

    @ParameterizedTest
    @CsvSource({"16.0,16.0", "0.1,0.1", "0.05,0.05", "1e-05,1e-05", "0.0001,0.0001", "1e16,1e+16",
            "1e15,1000000000000000.0", "-2.5,-2.5", "512.0,512.0", "123456.789,123456.789", "1.5e300,1.5e+300"})
    void floatRepr(double value, String repr) {
        assertEquals(repr, Py.reprFloat(value));
    }

    @Test
    void specialFloats() {
        assertEquals("inf", Py.reprFloat(Double.POSITIVE_INFINITY));
        assertEquals("nan", Py.reprFloat(Double.NaN));
        assertEquals("-0.0", Py.reprFloat(-0.0));
    }

    @Test
    void stringRepr() {
        assertEquals("'abc'", Py.repr("abc"));
        assertEquals("\"it's\"", Py.repr("it's"));
        assertEquals("'say \"hi\" it\\'s'", Py.repr("say \"hi\" it's"));
        assertEquals("'a\\nb\\tc\\\\'", Py.repr("a\nb\tc\\"));
        assertEquals("'\\x00\\x7f'", Py.repr("\u0000\u007f"));
        assertEquals("'é ü'", Py.repr("é ü"));
    }

    @Test
    void jsonRepr() {
        assertEquals("None", Py.repr(null));
        assertEquals("True", Py.repr(true));
        assertEquals("3", Py.repr(3));
        assertEquals("{'a': 1, 'b': [True, None, 'x'], 'c': {}}",
                Py.repr(new JsonObject("{\"a\":1,\"b\":[true,null,\"x\"],\"c\":{}}")));
        assertEquals("[]", Py.repr(new JsonArray()));
        assertEquals("x", Py.str("x"));
        assertEquals("None", Py.str(null));
    }

    @Test
    void pythonIntAndFloatOfStrings() {
        assertEquals(BigInteger.valueOf(42), Py.parseInt(" 42 "));
        assertEquals(BigInteger.valueOf(-7), Py.parseInt("-7"));
        assertEquals(BigInteger.valueOf(1000), Py.parseInt("1_000"));
        assertNull(Py.parseInt("1.5"));
        assertNull(Py.parseInt(""));
        assertEquals(1.5, Py.parseFloat("1.5"));
        assertEquals(0.5, Py.parseFloat(".5"));
        assertEquals(5.0, Py.parseFloat("5."));
        assertEquals(100.0, Py.parseFloat("1e2"));
        assertEquals(Double.POSITIVE_INFINITY, Py.parseFloat("Infinity"));
        assertNull(Py.parseFloat("abc"));
        assertNull(Py.parseFloat("."));
    }
}
