package io.zunvx.api.container;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.zunvx.api.compute.ComputeClient;
import io.zunvx.api.http.ApiRouter;
import io.zunvx.platform.error.ZunException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The put_archive body: its limit, derived from the agent's archive limit, and how the archive is read out of it. */
class PutArchiveBodyTest {

    private static byte[] data(String json, boolean base64) {
        return ContainerActionsApi.archiveData(Buffer.buffer(json), base64).getBytes();
    }

    private static String body(byte[] tar) {
        return "{\"data\": \"" + Base64.getEncoder().encodeToString(tar) + "\"}";
    }

    private static ZunException zun(String json, boolean base64) {
        return assertThrows(ZunException.class, () -> data(json, base64));
    }

    @Test
    void theBodyLimitHoldsTheBase64OfTheLargestArchiveAndTheOrdinaryLimitBeside() {
        assertEquals(64L * 1024 * 1024, ComputeClient.MAX_ARCHIVE_BYTES);
        assertEquals(89_478_488L, ComputeClient.MAX_ARCHIVE_BASE64_CHARS);
        assertEquals(ComputeClient.MAX_ARCHIVE_BASE64_CHARS + ApiRouter.MAX_BODY,
                ContainerActionsApi.PUT_ARCHIVE_MAX_BODY);
        assertEquals(4, ComputeClient.base64Length(1));
        assertEquals(4, ComputeClient.base64Length(3));
        assertEquals(8, ComputeClient.base64Length(4));
    }

    @Test
    void base64DataIsDecodedWithLineBreaksAndWithoutPadding() {
        byte[] tar = "hello tar".getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals(tar, data(body(tar), true));
        String wrapped = Base64.getMimeEncoder(4, "\r\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(tar)
                .replace("\r\n", "\\r\\n");
        assertArrayEquals(tar, data("{\"data\": \"" + wrapped + "\"}", true));
        assertArrayEquals("hello".getBytes(StandardCharsets.US_ASCII), data("{\"data\": \"aGVsbG8\"}", true));
        assertArrayEquals(new byte[0], data("{\"data\": \"\"}", true));
    }

    @Test
    void otherMembersAreIgnoredAndTheLastDataCounts() {
        assertArrayEquals("hello".getBytes(StandardCharsets.US_ASCII),
                data("{\"x\": {\"data\": [1, {\"y\": null}]}, \"data\": 1, \"data\": \"aGVsbG8=\", \"z\": true}", true));
        assertEquals("Invalid input for field 'data'. The value must be a string.",
                zun("{\"data\": \"aGVsbG8=\", \"data\": {}}", true).getMessage());
    }

    @Test
    void before125TheDataIsTheRawArchive() {
        byte[] tar = new byte[256];
        for (int i = 0; i < tar.length; i++) {
            tar[i] = (byte) i;
        }
        String json = new io.vertx.core.json.JsonObject()
                .put("data", new String(tar, StandardCharsets.ISO_8859_1)).encode();
        assertArrayEquals(tar, data(json, false));
    }

    @Test
    void aBodyThatIsNoObjectWithStringDataIs400AsElsewhere() {
        ZunException e = zun("", true);
        assertEquals(400, e.status());
        assertEquals("Request body is empty.", e.getMessage());
        assertEquals("None is not of type 'object'", zun("null", true).getMessage());
        assertEquals("[1] is not of type 'object'", zun("[1]", true).getMessage());
        assertEquals("'data' is a required property", zun("{}", true).getMessage());
        assertEquals("'data' is a required property", zun("{\"data\": null}", true).getMessage());
        assertEquals("Invalid input for field 'data'. The value must be a string.",
                zun("{\"data\": [\"aGVsbG8=\"]}", true).getMessage());
        assertEquals("schema-validation-error", zun("{}", false).code());
        assertThrows(DecodeException.class, () -> data("{\"data\": ", true));
        assertThrows(DecodeException.class, () -> data("{\"data\": \"aGVsbG8=\"} x", true));
        assertThrows(DecodeException.class, () -> data("{data}", true));
    }

    @Test
    void dataThatIsNotBase64Is400() {
        ZunException e = zun("{\"data\": \"%%%\"}", true);
        assertEquals(400, e.status());
        assertEquals("invalid-value", e.code());
        assertTrue(e.getMessage().startsWith("The data is not valid Base64: "), e.getMessage());
        assertEquals("invalid-value", zun("{\"data\": \"aGVsbG8==\"}", true).code());
    }

    @Test
    void anArchiveUpToTheAgentsLimitIsReadAndALargerOneIs413() {
        // Far beyond the 20 million characters Jackson allows one string by default.
        byte[] tar = new byte[(int) ComputeClient.MAX_ARCHIVE_BYTES];
        new Random(7).nextBytes(tar);
        String json = body(tar);
        assertTrue(json.length() <= ContainerActionsApi.PUT_ARCHIVE_MAX_BODY);
        assertArrayEquals(tar, data(json, true));

        byte[] more = new byte[tar.length + 1];
        System.arraycopy(tar, 0, more, 0, tar.length);
        String tooLarge = body(more);
        assertTrue(tooLarge.length() <= ContainerActionsApi.PUT_ARCHIVE_MAX_BODY, "the body alone is within its limit");
        ZunException e = zun(tooLarge, true);
        assertEquals(413, e.status());
        assertEquals("", e.code());
        assertEquals("Request Entity Too Large", e.title());
        assertEquals("The archive is larger than the limit of 67108864 bytes.", e.detail());

        String raw = "{\"data\": \"" + "a".repeat(tar.length + 1) + "\"}";
        assertEquals(413, zun(raw, false).status());
    }
}
