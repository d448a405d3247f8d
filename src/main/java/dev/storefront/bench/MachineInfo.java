package dev.storefront.bench;

import io.netty.channel.epoll.Epoll;
import io.vertx.core.json.JsonObject;

/** The machine a benchmark ran on: printed beside every figure so results are never read without it. */
public record MachineInfo(int cores, String jdk, String os, boolean epoll, long maxHeapBytes) {

  public static MachineInfo current() {
    return new MachineInfo(Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
        System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
        Epoll.isAvailable(), Runtime.getRuntime().maxMemory());
  }

  /** {@code epoll} when the native transport can be used here, else {@code nio}. */
  public String transport() {
    return epoll ? "epoll" : "nio";
  }

  public JsonObject toJson() {
    return new JsonObject().put("cores", cores).put("jdk", jdk).put("os", os)
        .put("transport", transport()).put("epollAvailable", epoll).put("maxHeapMb", maxHeapBytes >> 20);
  }

  public static MachineInfo fromJson(JsonObject json) {
    return new MachineInfo(json.getInteger("cores", 0), json.getString("jdk", "?"), json.getString("os", "?"),
        json.getBoolean("epollAvailable", "epoll".equals(json.getString("transport"))),
        json.getLong("maxHeapMb", 0L) << 20);
  }

  /** One line for human-readable output. */
  public String describe() {
    return "machine: " + cores + " cores, " + jdk + ", " + os + ", transport " + transport()
        + (epoll ? "" : " (epoll unavailable)");
  }
}
