package dev.storefront.bench;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM of a bench command that reports on stdout: each line starting with {@code mark} is a JSON event,
 * put on a queue with the child's index; other lines are logged; when the output closes, an {@code exit} event
 * with the exit code follows. Used by bench queries' processes and bench http's agents.
 */
final class ChildEvents {

  private static final Logger LOG = LoggerFactory.getLogger(ChildEvents.class);

  /** One event of child {@code child}. */
  record Event(int child, JsonObject body) {
    String type() {
      return body.getString("event");
    }
  }

  private ChildEvents() {
  }

  /** Starts {@code command} (its stderr inherited) and reads its events into {@code events}. */
  static Process start(List<String> command, String mark, String label, int index, BlockingQueue<Event> events)
      throws IOException {
    return start(command, Map.of(), mark, label, index, events);
  }

  /**
   * As {@link #start(List, String, String, int, BlockingQueue)}, with {@code env} added to the child's environment:
   * where secrets go, since a command line is readable by every user of the machine ({@code /proc/PID/cmdline}).
   */
  static Process start(List<String> command, Map<String, String> env, String mark, String label, int index,
                       BlockingQueue<Event> events) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
    pb.environment().putAll(env);
    Process p = pb.start();
    Thread reader = new Thread(() -> read(p, mark, label, index, events), "bench-" + label + "-" + index);
    reader.setDaemon(true);
    reader.start();
    return p;
  }

  private static void read(Process p, String mark, String label, int index, BlockingQueue<Event> events) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.startsWith(mark)) {
          try {
            events.add(new Event(index, new JsonObject(line.substring(mark.length()))));
          } catch (DecodeException e) {
            LOG.warn("{} {}: unreadable report line: {}", label, index, line);
          }
        } else {
          LOG.info("{} {}: {}", label, index, line);
        }
      }
    } catch (IOException e) {
      LOG.debug("{} {}: output closed: {}", label, index, e.toString());
    }
    JsonObject exit = new JsonObject().put("event", "exit");
    try {
      if (p.waitFor(5, TimeUnit.SECONDS)) {
        exit.put("code", p.exitValue());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    events.add(new Event(index, exit));
  }

  /** Asks every child to stop (SIGTERM), then kills those still running after 5 s. */
  static void stopAll(List<Process> children) throws InterruptedException {
    for (Process child : children) {
      child.destroy();
    }
    for (Process child : children) {
      if (!child.waitFor(5, TimeUnit.SECONDS)) {
        child.destroyForcibly();
      }
    }
  }

  /** The class path of this code: the fat jar when running from it, else (tests, IDE) this JVM's class path. */
  static String classpath() {
    Path jar = StorefrontProcess.thisJar();
    return jar != null ? jar.toString() : System.getProperty("java.class.path");
  }
}
