package dev.storefront.testing;

import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Jepsen-style history of the operations clients ran against a cluster under faults, and its checks. Every
 * operation is recorded with its invoke and completion times (one clock: all clients live in the test JVM), the
 * host it went to and its outcome: {@code ok} (acknowledged), {@code fail} (refused, known not to have happened)
 * or {@code info} (indeterminate: a timeout or an unavailable answer may or may not have taken effect).
 */
public final class History {

  /** One increment of the shared counter. */
  public record Increment(String host, long invokeNanos, long completeNanos, String outcome) {
  }

  /**
   * One lock hold: acquired (with its token) at {@code acquiredNanos}, its guarded write to the fenced resource
   * accepted or refused, its release started at {@code releaseNanos}.
   */
  public record Hold(String host, long token, long acquiredNanos, long releaseNanos, boolean writeAccepted) {
  }

  private final List<Increment> increments = new ArrayList<>();
  private final List<Hold> holds = new ArrayList<>();
  private long lockAttempts;
  private long lockRefusals;

  public synchronized void increment(String host, long invoke, long complete, String outcome) {
    increments.add(new Increment(host, invoke, complete, outcome));
  }

  public synchronized void hold(String host, long token, long acquired, long release, boolean writeAccepted) {
    holds.add(new Hold(host, token, acquired, release, writeAccepted));
  }

  public synchronized void lockAttempt(boolean refused) {
    lockAttempts++;
    if (refused) {
      lockRefusals++;
    }
  }

  /** The checks against the counter's final value, as counts (0 everywhere is a correct history). */
  public synchronized Verdict check(long finalCounterValue) {
    long acked = increments.stream().filter(i -> i.outcome().equals("ok")).count();
    long info = increments.stream().filter(i -> i.outcome().equals("info")).count();
    long failed = increments.stream().filter(i -> i.outcome().equals("fail")).count();
    long lost = Math.max(0, acked - finalCounterValue);
    long phantom = Math.max(0, finalCounterValue - acked - info);
    Map<Long, Integer> byToken = new HashMap<>();
    holds.forEach(h -> byToken.merge(h.token(), 1, Integer::sum));
    long repeatedTokens = byToken.values().stream().filter(n -> n > 1).mapToLong(n -> n - 1).sum();
    long overlapping = 0;
    List<Hold> sorted = new ArrayList<>(holds);
    sorted.sort((a, b) -> Long.compare(a.acquiredNanos(), b.acquiredNanos()));
    for (int i = 0; i < sorted.size(); i++) {
      for (int j = i + 1; j < sorted.size() && sorted.get(j).acquiredNanos() < sorted.get(i).releaseNanos(); j++) {
        overlapping++; // j was granted while i still held the lock
      }
    }
    // the fenced resource accepts a write only with a token above every token it accepted before; the order is the
    // order in which the clients saw their writes complete, which is the resource's own order while holds do not
    // overlap (so with overlapping holds, as in mode ap under a split, this count is approximate)
    long staleAccepted = 0;
    long tokensOutOfOrder = 0;
    long lastAccepted = Long.MIN_VALUE;
    List<Hold> byRelease = new ArrayList<>(holds);
    byRelease.sort((a, b) -> Long.compare(a.releaseNanos(), b.releaseNanos()));
    for (Hold h : byRelease) {
      if (h.writeAccepted()) {
        if (h.token() <= lastAccepted) {
          staleAccepted++;
        }
        lastAccepted = Math.max(lastAccepted, h.token());
      }
    }
    for (int i = 1; i < sorted.size(); i++) {
      // a hold granted after the previous one was released must carry a larger token
      Hold prev = sorted.get(i - 1);
      Hold next = sorted.get(i);
      if (next.acquiredNanos() > prev.releaseNanos() && next.token() <= prev.token()) {
        tokensOutOfOrder++;
      }
    }
    return new Verdict(acked, info, failed, finalCounterValue, lost, phantom, holds.size(), lockAttempts, lockRefusals,
        repeatedTokens, tokensOutOfOrder, overlapping, staleAccepted);
  }

  /** The counts a check found; {@link #correct()} when none of them is a violation. */
  public record Verdict(long acked, long indeterminate, long failed, long finalValue, long lostIncrements,
                        long phantomIncrements, long holds, long lockAttempts, long lockRefusals, long repeatedTokens,
                        long tokensOutOfOrder, long overlappingHolds, long staleWritesAccepted) {

    public boolean correct() {
      return lostIncrements == 0 && phantomIncrements == 0 && repeatedTokens == 0 && tokensOutOfOrder == 0
          && overlappingHolds == 0 && staleWritesAccepted == 0;
    }

    public JsonObject toJson() {
      return new JsonObject().put("acked", acked).put("indeterminate", indeterminate).put("failed", failed)
          .put("final", finalValue).put("lostIncrements", lostIncrements).put("phantomIncrements", phantomIncrements)
          .put("holds", holds).put("lockAttempts", lockAttempts).put("lockRefusals", lockRefusals)
          .put("repeatedTokens", repeatedTokens).put("tokensOutOfOrder", tokensOutOfOrder)
          .put("overlappingHolds", overlappingHolds).put("staleWritesAccepted", staleWritesAccepted);
    }
  }
}
