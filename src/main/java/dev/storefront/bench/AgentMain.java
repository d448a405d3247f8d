package dev.storefront.bench;

import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * One load-generator process of {@code bench http --agents N}, started by {@link AgentFleet}: runs its share of the
 * load with {@link HttpLoadGenerator}, each phase on its parent's word. Protocol on stdout (lines starting with
 * {@value #MARK}; everything else is log): {@code ready} (connections open) before each phase, then waits for
 * {@code go EPOCH_MS} on stdin and starts the phase at that wall-clock time; {@code phase} with the phase's figures
 * (histograms compressed, base64) when it is done; {@code result} at the end, or {@code error}.
 *
 * <p>Arguments: {@code SPEC_JSON AGENT_INDEX}, the spec being {@link LoadConfig#toSpec()} of this agent's share.
 */
public final class AgentMain {

  static final String MARK = "@agent ";
  static final String GO = "go";

  private AgentMain() {
  }

  public static void main(String[] args) {
    PrintStream out = System.out;
    int agent = args.length > 1 ? Integer.parseInt(args[1]) : 0;
    int code = 0;
    try {
      if (args.length != 2) {
        throw new IllegalArgumentException("usage: AgentMain SPEC_JSON AGENT_INDEX");
      }
      LoadConfig config = LoadConfig.fromSpec(new JsonObject(args[0]));
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      LoadResult result = HttpLoadGenerator.run(config, new Gate(out, in, agent));
      emit(out, new JsonObject().put("event", "result").put("agent", agent).put("cpuCores", result.clientCpuCores()));
    } catch (Throwable t) {
      Throwable cause = t.getCause() != null ? t.getCause() : t;
      emit(out, new JsonObject().put("event", "error").put("agent", agent).put("message", cause.toString()));
      code = 1;
    }
    System.exit(code);
  }

  static void emit(PrintStream out, JsonObject event) {
    synchronized (out) {
      out.println(MARK + event.encode());
      out.flush();
    }
  }

  /** Phase start on the parent's {@code go EPOCH_MS}; figures to stdout. */
  private record Gate(PrintStream out, BufferedReader in, int agent) implements PhaseGate {

    @Override
    public Start awaitStart(String name) {
      emit(out, new JsonObject().put("event", "ready").put("agent", agent).put("phase", name));
      String line;
      try {
        line = in.readLine();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      if (line == null || !line.startsWith(GO + " ")) {
        throw new IllegalStateException("expected '" + GO + " EPOCH_MS' on stdin, got " + (line == null ? "end of input" : "'" + line + "'"));
      }
      long epochMs = Long.parseLong(line.substring(GO.length() + 1).trim());
      long ahead = TimeUnit.MILLISECONDS.toNanos(epochMs - System.currentTimeMillis());
      return new Start(System.nanoTime() + ahead, epochMs);
    }

    @Override
    public void finished(PhaseStats stats) {
      emit(out, new JsonObject().put("event", "phase").put("agent", agent).put("phase", stats.phase())
          .put("stats", stats.encode()));
    }
  }
}
