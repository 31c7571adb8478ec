package io.zunvx.compute.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.zunvx.compute.driver.PullPolicy.Decision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class PullPolicyTest {

    @Test
    void policiesAreReadInAnyCaseWithIfNotPresentAsTheDefault() {
        assertEquals(PullPolicy.IF_NOT_PRESENT, PullPolicy.parse(null));
        assertEquals(PullPolicy.ALWAYS, PullPolicy.parse("Always"));
        assertEquals(PullPolicy.IF_NOT_PRESENT, PullPolicy.parse("IfNotPresent"));
        assertEquals(PullPolicy.NEVER, PullPolicy.parse("never"));
        DriverException e = assertThrows(DriverException.class, () -> PullPolicy.parse("sometimes"));
        assertEquals(DriverException.Kind.BAD_REQUEST, e.kind());
        assertEquals("unknown image pull policy: sometimes", e.getMessage());
    }

    @Test
    void eachPolicyDecidesByWhetherTheImageIsPresent() {
        assertEquals(Decision.PULL, PullPolicy.ALWAYS.decide(true));
        assertEquals(Decision.PULL, PullPolicy.ALWAYS.decide(false));
        assertEquals(Decision.USE_LOCAL, PullPolicy.IF_NOT_PRESENT.decide(true));
        assertEquals(Decision.PULL, PullPolicy.IF_NOT_PRESENT.decide(false));
        assertEquals(Decision.USE_LOCAL, PullPolicy.NEVER.decide(true));
        assertEquals(Decision.MISSING, PullPolicy.NEVER.decide(false));
    }
}
