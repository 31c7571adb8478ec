package io.zunvx.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Resource claims are exact however many creates race: no host is ever overcommitted, and deletes give all back. */
class AccountingIT {
    @TempDir
    static Path data;

    static AllInOne platform;
    static ZunHttp api;
    static String host;

    @BeforeAll
    static void start() {
        platform = RoomForFifty.start(data);
        api = new ZunHttp("http://127.0.0.1:" + platform.apiPort(), platform.adminToken(), "1.40");
        host = platform.platform().config().compute().hostName();
    }

    @AfterAll
    static void stop() {
        Platforms.stop(platform);
    }

    @Test
    void twoHundredConcurrentCreatesOnRoomForFiftyPlaceExactlyFifty() {
        // WHEN 200 creates race for room for 50
        List<String> uuids = RoomForFifty.createConcurrently(api, 200);

        // THEN every one is decided: exactly 50 placed, 150 in Error naming the CPU filter
        RoomForFifty.assertExactlyFiftyPlaced(api, host, RoomForFifty.settled(api, uuids));

        // AND deleting everything returns the host to zero
        JsonObject after = RoomForFifty.deleteAll(api, host, uuids);
        assertEquals(0, after.getLong("disk_used"));
    }
}
