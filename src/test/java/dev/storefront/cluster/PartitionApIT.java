package dev.storefront.cluster;

import dev.storefront.testing.History;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code coordination.mode=ap} under faults: counters and locks on Hazelcast maps stay available on both sides of
 * a split, so the checks may fail. The test records how (lost increments, repeated tokens, overlapping holds)
 * instead of failing, except where even {@code ap} promises: no increment appears that nobody made. It runs with
 * {@code -Dstorefront.faults=all}, beside every fault in mode cp.
 */
@DisplayName("coordination.mode=ap under network faults: what it does and does not guarantee, measured")
class PartitionApIT extends PartitionChecks {

  @BeforeAll
  static void start() throws Exception {
    Assumptions.assumeTrue(allFaults(), "mode ap's measurement runs with -Dstorefront.faults=all (README's test time)");
    startCluster("ap");
  }

  @TestFactory
  Stream<DynamicTest> underFaults() {
    return faultsToInject().stream().map(fault -> DynamicTest.dynamicTest("ap under " + fault, () -> {
      History.Verdict v = run("ap", fault);
      assertTrue(v.phantomIncrements() == 0, "no increment appears that nobody made: " + v.toJson());
    }));
  }
}
