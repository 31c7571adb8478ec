/**
 * The public WebSocket endpoint for {@code zun attach}, {@code zun run -i} and {@code zun exec --interactive}: it
 * checks a one-time token and the Origin, then bridges the client to the compute agent's attach or exec stream.
 * Not built yet; the API does not offer attach until it is.
 */
package io.zunvx.wsproxy;
