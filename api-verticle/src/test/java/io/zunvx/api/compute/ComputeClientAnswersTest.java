package io.zunvx.api.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/** The agent's answers as the API reads them: a get_archive answer carries up to 64 MiB of tar as one string. */
class ComputeClientAnswersTest {

    @Test
    void anAnswerMayHoldTheBase64OfTheLargestArchive() {
        String data = "A".repeat((int) ComputeClient.MAX_ARCHIVE_BASE64_CHARS);
        JsonObject answer = new JsonObject().put("data", data).put("stat", new JsonObject().put("name", "x"));

        JsonObject read = ComputeClient.object(answer.toBuffer());

        assertEquals(data.length(), read.getString("data").length());
        assertEquals("x", read.getJsonObject("stat").getString("name"));
        // Vert.x's own decoding stops at Jackson's default of 20 million characters.
        assertThrows(DecodeException.class, () -> answer.toBuffer().toJsonObject());
    }

    @Test
    void anAnswerThatIsNoObjectIsRefused() {
        assertThrows(DecodeException.class, () -> ComputeClient.object(Buffer.buffer("[1]")));
        assertThrows(DecodeException.class, () -> ComputeClient.object(Buffer.buffer("{} x")));
        assertThrows(DecodeException.class, () -> ComputeClient.object(Buffer.buffer("{")));
    }

    @Test
    void aBufferIsReadAsAStream() throws IOException {
        InputStream in = ComputeClient.stream(Buffer.buffer("abcdef"));
        byte[] two = new byte[2];
        assertEquals(2, in.read(two, 0, 2));
        assertEquals("ab", new String(two));
        assertEquals('c', in.read());
        assertEquals("def", new String(in.readAllBytes()));
        assertEquals(-1, in.read());
        assertEquals(-1, in.read(two, 0, 2));
    }
}
