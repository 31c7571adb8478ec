package io.zunvx.wsproxy;

import io.zunvx.platform.app.Platform;

/**
 * The WebSocket proxy role's composition root: its grants (one-time tokens in PostgreSQL) and its one entry point,
 * {@link #verticle()}, built from {@code platform.config().proxy()} and the shared platform pieces.
 */
public final class WsProxyComponents {
    private final Platform platform;
    private final Grants grants;
    private final Sessions sessions;

    private WsProxyComponents(Platform platform, Grants grants) {
        this.platform = platform;
        this.grants = grants;
        this.sessions = new Sessions(platform.config().proxy().maxSessionsPerUser());
    }

    public static WsProxyComponents create(Platform platform) {
        return new WsProxyComponents(platform, new Grants(platform.transactions(), platform.clock()));
    }

    /** The role's entry point: the public WebSocket server. Deploy it once. */
    public ProxyVerticle verticle() {
        return new ProxyVerticle(platform.config().proxy(), grants, sessions, platform.tokens(), platform.clock());
    }
}
