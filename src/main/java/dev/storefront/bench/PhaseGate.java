package dev.storefront.bench;

/**
 * When each phase of a load run starts: at once for a run in this process, or when the parent of an agent process
 * says go (so all agents start together). Told of each finished phase's figures.
 */
interface PhaseGate {

  /** A phase's start: a {@link System#nanoTime()} (possibly a little ahead) and the same instant in epoch ms. */
  record Start(long nanoTime, long epochMs) {
    static Start now() {
      return new Start(System.nanoTime(), System.currentTimeMillis());
    }
  }

  /** Blocks until phase {@code name} may start; returns when it starts. */
  Start awaitStart(String name);

  /** Phase {@code stats.phase()} finished with these figures (all of this process's event loops added). */
  void finished(PhaseStats stats);

  /** Starts every phase immediately. */
  PhaseGate NOW = new PhaseGate() {
    @Override
    public Start awaitStart(String name) {
      return Start.now();
    }

    @Override
    public void finished(PhaseStats stats) {
    }
  };
}
