package dev.storefront.jobs;

import dev.storefront.cluster.Cluster;
import dev.storefront.cluster.NodeIdentity;
import dev.storefront.config.Settings;
import io.vertx.core.Vertx;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static dev.storefront.testing.Await.await;

/**
 * A cluster member with a job service and its workers, in its own JVM, for {@link JobsFailoverIT}. Arguments:
 * cluster name, cluster port, workers. Prints {@code JOBS-NODE READY <cluster node id>}, then runs until killed or
 * until stdin closes.
 */
public final class JobsNodeProcess {

  static final String READY = "JOBS-NODE READY ";

  private JobsNodeProcess() {
  }

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    System.setOut(System.err);
    Settings settings = JobsFailoverIT.clusterSettings(args[0], Integer.parseInt(args[1])).with("jobs.workersPerNode", Integer.parseInt(args[2]));
    Vertx vertx = await(Cluster.start(settings, 1));
    await(JobService.deploy(vertx, settings));
    out.println(READY + NodeIdentity.clusterNodeId(vertx));
    while (System.in.read() >= 0) {
      // runs until the test closes stdin or kills the process
    }
    await(vertx.close());
  }
}
