package io.zunvx.compute.docker;

import com.github.dockerjava.api.exception.BadRequestException;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.InternalServerErrorException;
import com.github.dockerjava.api.exception.NotFoundException;
import io.zunvx.compute.driver.DriverException;
import io.zunvx.compute.driver.DriverException.Kind;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.SocketTimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DockerErrorsTest {

    @Test
    void httpErrorsMapToKindsWithDockersMessage() {
        // GIVEN docker-java's exceptions as it builds them from the engine's answers
        // WHEN translated THEN the kind follows the status and the message is the engine's own text
        DriverException notFound = DockerErrors.translate(
                new NotFoundException("Status 404: {\"message\":\"No such container: abc\"}\n"));
        assertEquals(Kind.NOT_FOUND, notFound.kind());
        assertEquals("No such container: abc", notFound.getMessage());
        assertFalse(notFound.retryable());

        assertEquals(Kind.CONFLICT, DockerErrors.translate(new ConflictException("Status 409: {\"message\":\"x\"}")).kind());
        assertEquals(Kind.BAD_REQUEST, DockerErrors.translate(new BadRequestException("Status 400: bad")).kind());
        DriverException internal = DockerErrors.translate(new InternalServerErrorException("Status 500: {\"message\":\"boom\"}"));
        assertEquals(Kind.OTHER, internal.kind());
        assertEquals("boom", internal.getMessage());
    }

    @Test
    void transportFailuresAreUnavailableAndRetryable() {
        // GIVEN connection failures wrapped the way the transport wraps them WHEN translated THEN UNAVAILABLE
        for (Exception io : new Exception[] {new ConnectException("Connection refused"),
                new SocketTimeoutException("Read timed out")}) {
            DriverException e = DockerErrors.translate(new RuntimeException(io));
            assertEquals(Kind.UNAVAILABLE, e.kind());
            assertTrue(e.retryable());
        }
    }

    @Test
    void valuesDockerJavaCannotParseAreBadRequests() {
        // GIVEN docker-java refusing a value WHEN translated THEN BAD_REQUEST
        assertEquals(Kind.BAD_REQUEST, DockerErrors.translate(new IllegalArgumentException("bad port")).kind());
    }

    @Test
    void driverExceptionsPassThrough() {
        // GIVEN a failure already translated WHEN translated again THEN unchanged
        DriverException original = new DriverException(Kind.CONFLICT, "taken");
        assertSame(original, DockerErrors.translate(original));
    }

    @Test
    void nonJsonMessagesAreKeptAsTheyAre() {
        // GIVEN a message without a JSON body WHEN its text is extracted THEN the raw text, trimmed
        assertEquals("Status 500: plain text", DockerErrors.message(new RuntimeException("Status 500: plain text\n")));
        assertEquals("Status 500: {broken", DockerErrors.message(new RuntimeException("Status 500: {broken")));
    }
}
