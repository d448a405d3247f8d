package dev.storefront.cluster;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Free loopback ports: one (embedded PostgreSQL, benchmark servers) or a run of them (Hazelcast clusters of the race bench and tests). */
public final class FreePorts {

  private FreePorts() {
  }

  /** A port p such that p .. p+count-1 were all free a moment ago. */
  public static int base(int count) {
    for (int attempt = 0; attempt < 50; attempt++) {
      int p = any();
      if (p + count < 65535 && allFree(p, count)) {
        return p;
      }
    }
    throw new IllegalStateException("no run of " + count + " free ports found");
  }

  /** A port that was free a moment ago. */
  public static int any() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("cannot find a free port", e);
    }
  }

  private static boolean allFree(int from, int count) {
    for (int p = from; p < from + count; p++) {
      try (ServerSocket s = new ServerSocket(p, 1, InetAddress.getLoopbackAddress())) {
        s.setReuseAddress(true);
      } catch (IOException e) {
        return false;
      }
    }
    return true;
  }
}
