package dev.storefront.jobs;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TablePoolTest {

  private static WordCounts filled(int words) {
    WordCounts t = new WordCounts(1);
    for (int i = 0; i < words; i++) {
      t.add("w" + i, 2);
    }
    return t;
  }

  @Test
  @DisplayName("a table given back is emptied and taken again; with no spare, a new empty table")
  void givesBackEmptied() {
    TablePool pool = new TablePool(1 << 30);
    WordCounts fresh = pool.take();
    assertEquals(0, fresh.size());
    WordCounts used = filled(10_000);
    int capacity = used.capacity();
    pool.give(used);
    assertEquals(1, pool.spare());
    assertEquals(used.footprint(), pool.spareBytes());
    WordCounts again = pool.take();
    assertSame(used, again);
    assertEquals(0, again.size());
    assertEquals(0, again.total());
    assertEquals(0, again.get("w5"));
    assertEquals(capacity, again.capacity());
    assertEquals(0, pool.spare());
    assertEquals(0, pool.spareBytes());
    assertNotSame(again, pool.take());
  }

  @Test
  @DisplayName("the pool keeps no more than its bytes: a table that does not fit is left to the collector")
  void boundedByBytes() {
    WordCounts big = filled(50_000);
    TablePool pool = new TablePool(big.footprint() + 1);
    pool.give(filled(10));
    assertEquals(1, pool.spare());
    pool.give(big); // the small one already takes some of the room
    assertEquals(1, pool.spare());
    assertTrue(pool.spareBytes() < big.footprint());
    pool.take();
    pool.give(big);
    assertEquals(1, pool.spare());
    assertSame(big, pool.take());
    assertFalse(pool.spareBytes() > 0);
  }
}
