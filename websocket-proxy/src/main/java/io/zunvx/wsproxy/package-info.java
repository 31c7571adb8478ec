/**
 * The public WebSocket endpoint for {@code zun attach}, {@code zun run -i} and {@code zun exec --interactive}: it
 * checks the Origin and a one-time token, then bridges the client to the compute agent's attach or exec stream
 * ({@link io.zunvx.wsproxy.ProxyVerticle}).
 */
package io.zunvx.wsproxy;
