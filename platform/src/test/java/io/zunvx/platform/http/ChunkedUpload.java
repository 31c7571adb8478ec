package io.zunvx.platform.http;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP/1.1 request to 127.0.0.1 whose body, of a given size and no declared length, is sent chunked by one thread
 * while the answer is read on the caller's, as curl does. A server refusing a body that is too large answers before
 * the body ends, reads and drops the rest, and closes the connection. Against such an answer the JDK's
 * {@code HttpClient} sometimes never completes the exchange: streaming 65 MiB to a 64 MiB limit on a running
 * all-in-one, it timed out on 3 of 12 uploads where curl got the 413 on 15 of 15. So the refusal of an oversized
 * stream is tested with this client instead.
 */
public final class ChunkedUpload {
    private static final byte[] CRLF = {'\r', '\n'};

    /** The answer: status and body. */
    public record Answer(int status, String body) {
    }

    private ChunkedUpload() {
    }

    /** Sends {@code bytes} bytes of {@code x} to {@code method path} on {@code port}; two minutes at most. */
    public static Answer send(int port, String method, String path, Map<String, String> headers, long bytes) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(120_000);
            OutputStream out = socket.getOutputStream();
            StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nTransfer-Encoding: chunked\r\n");
            headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
            out.write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread writer = Thread.ofVirtual().start(() -> {
                byte[] chunk = new byte[64 * 1024];
                Arrays.fill(chunk, (byte) 'x');
                try {
                    for (long left = bytes; left > 0; ) {
                        int n = (int) Math.min(chunk.length, left);
                        out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.write(chunk, 0, n);
                        out.write(CRLF);
                        left -= n;
                    }
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } catch (IOException e) {
                    // The server stopped reading and closed the connection: its answer says why.
                }
            });
            Answer answer = read(new BufferedInputStream(socket.getInputStream()));
            socket.close();
            writer.join(30_000);
            return answer;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Answer read(InputStream in) throws IOException {
        String status = line(in);
        int code = Integer.parseInt(status.split(" ")[1]);
        long length = -1;
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            int colon = h.indexOf(':');
            if (colon > 0 && h.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("content-length")) {
                length = Long.parseLong(h.substring(colon + 1).trim());
            }
        }
        byte[] body = length < 0 ? in.readAllBytes() : in.readNBytes((int) length);
        return new Answer(code, new String(body, StandardCharsets.UTF_8));
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed before the answer ended");
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.US_ASCII);
    }
}
