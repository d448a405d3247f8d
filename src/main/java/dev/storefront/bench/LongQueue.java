package dev.storefront.bench;

/** A growable FIFO of primitive longs (intended send times): no boxing on the load generator's hot path. */
final class LongQueue {

  private long[] items = new long[1024];
  private int head;
  private int size;

  boolean isEmpty() {
    return size == 0;
  }

  int size() {
    return size;
  }

  void add(long v) {
    if (size == items.length) {
      long[] bigger = new long[items.length * 2];
      for (int i = 0; i < size; i++) {
        bigger[i] = items[(head + i) % items.length];
      }
      items = bigger;
      head = 0;
    }
    items[(head + size) % items.length] = v;
    size++;
  }

  long peek() {
    if (size == 0) {
      throw new IllegalStateException("empty queue");
    }
    return items[head];
  }

  long poll() {
    long v = peek();
    head = (head + 1) % items.length;
    size--;
    return v;
  }

  void clear() {
    head = 0;
    size = 0;
  }
}
