package dev.storefront.coordination;

/** Every SQL statement of the fenced inventory, in one place, with {@code $n} parameters. Never built from input. */
final class InventorySql {

  private InventorySql() {
  }

  /**
   * Insert-or-update with the fence check done by PostgreSQL: a new SKU is written; an existing one only when
   * {@code $3} (the token) is newer than its fence and {@code $4} is the lock that fenced it. No row back means
   * refused. Parameters: sku, quantity, token, lock.
   */
  static final String FENCED_WRITE =
      "INSERT INTO inventory (sku, quantity, fence, lock_name) VALUES ($1, $2, $3, $4)"
          + " ON CONFLICT (sku) DO UPDATE SET quantity = EXCLUDED.quantity, fence = EXCLUDED.fence"
          + " WHERE inventory.fence < EXCLUDED.fence AND inventory.lock_name = EXCLUDED.lock_name"
          + " RETURNING sku, quantity, fence, lock_name";

  static final String ROW =
      "SELECT sku, quantity, fence, lock_name FROM inventory WHERE sku = $1";
}
