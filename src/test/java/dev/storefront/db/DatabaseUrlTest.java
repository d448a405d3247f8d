package dev.storefront.db;

import dev.storefront.config.SettingsException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatabaseUrlTest {

  @Test
  @DisplayName("a db.url that does not parse is refused with a message that never shows its password")
  void errorsMaskThePassword() {
    for (String bad : new String[] {"postgresql://app:s3cr%t pass@db host:5432/x", "postgresql://app:s3cr%tpass@/x",
        "postgresql://app:s3cr%tpass@:5432/x"}) {
      SettingsException e = assertThrows(SettingsException.class, () -> DatabaseUrl.parse(bad), bad);
      assertFalse(e.getMessage().contains("s3cr"), e.getMessage());
      assertTrue(e.getMessage().contains("db.url"), e.getMessage());
    }
    assertEquals("postgresql://app:***@h:5432/x", DatabaseUrl.masked("postgresql://app:p@ss:w@rd@h:5432/x"));
    assertEquals("postgresql://app@h/x", DatabaseUrl.masked("postgresql://app@h/x"));
    assertEquals("postgresql://app:***@h:1/x", DatabaseUrl.parse("postgresql://app:pw@h:1/x").display());
  }
}
