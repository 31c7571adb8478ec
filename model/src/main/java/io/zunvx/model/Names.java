package io.zunvx.model;

import java.util.List;
import java.util.random.RandomGenerator;

/** Zun-style generated names: {@code <greek letter>-<1..24>-container}, e.g. {@code zeta-22-container}. */
public final class Names {
    private static final List<String> GREEK = List.of("alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta",
            "theta", "iota", "kappa", "lambda", "mu", "nu", "xi", "omicron", "pi", "rho", "sigma", "tau", "upsilon",
            "phi", "chi", "psi", "omega");

    private Names() {
    }

    public static String container(RandomGenerator random) {
        return GREEK.get(random.nextInt(GREEK.size())) + "-" + (1 + random.nextInt(24)) + "-container";
    }
}
