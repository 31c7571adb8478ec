package io.zunvx.api.container;

import static io.zunvx.api.http.Requests.schemaError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.vertx.core.json.JsonObject;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class UpdateContainerRequestTest {

    private static UpdateContainerRequest parse(String json) {
        return UpdateContainerRequest.parse(json == null ? null : new JsonObject(json), Defaults.standard());
    }

    @Test
    void whatTheClientSends() {
        UpdateContainerRequest u = parse("{\"memory\": \"256\", \"name\": \"new\"}");
        assertEquals(new UpdateContainerRequest(null, 256, "new", null), u);
        assertTrue(u.resizes());
        assertFalse(u.isEmpty());
    }

    @Test
    void everyField() {
        assertEquals(new UpdateContainerRequest(0.5, 1024, "web", true),
                parse("{\"cpu\":0.5,\"memory\":1024,\"name\":\"web\",\"auto_heal\":\"True\"}"));
        assertEquals(new UpdateContainerRequest(2.0, null, null, false), parse("{\"cpu\":\"2\",\"auto_heal\":false}"));
    }

    @Test
    void renameOnlyDoesNotResize() {
        UpdateContainerRequest u = parse("{\"name\":\"other\"}");
        assertFalse(u.resizes());
        assertFalse(u.isEmpty());
    }

    @Test
    void emptyAndNullFieldsChangeNothing() {
        assertTrue(parse("{}").isEmpty());
        assertTrue(parse("{\"name\":null,\"cpu\":null,\"memory\":null}").isEmpty());
    }

    static Stream<Arguments> invalidBodies() {
        return Stream.of(
                arguments("{\"image\":\"x\"}", "Additional properties are not allowed ('image' was unexpected)"),
                arguments("{\"memory\":\"2\"}",
                        "Invalid input for field 'memory'.Value: '2'. 2 is less than the minimum of 4"),
                arguments("{\"memory\":\"9000\"}",
                        "Invalid input for field 'memory'.Value: '9000'. 9000 is greater than the maximum of 8192"),
                arguments("{\"cpu\":20}",
                        "Invalid input for field 'cpu'.Value: '20'. 20 is greater than the maximum of 16.0"),
                arguments("{\"cpu\":\"x\"}",
                        "Invalid input for field 'cpu'.Value: 'x'. 'x' does not match '^[0-9]*(\\\\.([0-9]+))?$'"),
                arguments("{\"name\":\"a\"}", "Invalid input for field 'name'.Value: 'a'. 'a' is too short"),
                arguments("{\"auto_heal\":\"yes\"}", "Invalid input for field 'auto_heal'.Value: 'yes'. 'yes' is not"
                        + " one of [True, 'True', 'true', False, 'False', 'false']"),
                // cpu precedes name in Zun's schema, so its failure is the one reported.
                arguments("{\"name\":\"a\",\"cpu\":99}",
                        "Invalid input for field 'cpu'.Value: '99'. 99 is greater than the maximum of 16.0"));
    }

    @ParameterizedTest
    @MethodSource("invalidBodies")
    void invalidBody(String json, String message) {
        schemaError(() -> parse(json), message);
    }

    @Test
    void nullBody() {
        schemaError(() -> parse(null), "None is not of type 'object'");
    }

    @Test
    void boundsComeFromTheDefaults() {
        Defaults tight = new Defaults(1.0, 64, 0.5, 2.0, 32, 128, 1, 10);
        schemaError(() -> UpdateContainerRequest.parse(new JsonObject("{\"cpu\":4}"), tight),
                "Invalid input for field 'cpu'.Value: '4'. 4 is greater than the maximum of 2.0");
        schemaError(() -> UpdateContainerRequest.parse(new JsonObject("{\"memory\":16}"), tight),
                "Invalid input for field 'memory'.Value: '16'. 16 is less than the minimum of 32");
    }
}
