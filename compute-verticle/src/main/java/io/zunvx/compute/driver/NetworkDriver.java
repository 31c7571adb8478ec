package io.zunvx.compute.driver;

import java.util.List;

/**
 * The networks of one runtime that the agent's containers join. Today this is the one network the agent is configured
 * with ({@code ZUNVX_COMPUTE_NETWORK}) and what a container is attached to; creating, connecting and disconnecting
 * networks on request belong here as the networks feature adds them.
 *
 * <p>Every method blocks until the runtime has answered; failures are reported as {@link DriverException}.
 */
public interface NetworkDriver {

    /**
     * Creates a user-defined bridge network of that name unless it exists. Does nothing for the built-in modes
     * {@code none}, {@code host} and {@code bridge}.
     */
    void ensureNetwork(String name);

    /** The networks the container is connected to, without the built-in modes {@code none} and {@code host}. */
    List<NetworkAttachment> networks(String id);
}
