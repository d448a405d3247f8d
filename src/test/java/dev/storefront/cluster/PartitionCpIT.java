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
 * {@code coordination.mode=cp} under faults: counters, locks and fencing tokens on Hazelcast's CP subsystem (Raft)
 * pass every check: no acknowledged increment lost, tokens unique and increasing, no two holds overlapping, no
 * stale write accepted; a side without a majority refuses instead of diverging.
 */
@DisplayName("coordination.mode=cp under network faults: every Jepsen-style check passes")
class PartitionCpIT extends PartitionChecks {

  @BeforeAll
  static void start() throws Exception {
    Assumptions.assumeTrue(faultsAsked(), "the fault runs (1-2 minutes for cp under a cut) run with "
        + "-Dstorefront.faults=cut or =all, keeping mvn -B verify near 10 minutes");
    startCluster("cp");
  }

  @TestFactory
  Stream<DynamicTest> underFaults() {
    return faultsToInject().stream().map(fault -> DynamicTest.dynamicTest("cp under " + fault, () -> {
      History.Verdict v = run("cp", fault);
      assertTrue(v.correct(), "cp violated a check under " + fault + ": " + v.toJson());
      assertTrue(v.acked() > 0 && v.holds() > 0, "clients made progress: " + v.toJson());
    }));
  }
}
