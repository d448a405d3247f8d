package dev.storefront.catalog;

import dev.storefront.failure.Failure;
import dev.storefront.http.Params;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CanonicalIdTest {

  @Test
  @DisplayName("the router-free GET /products/{id} takes exactly the ids Params.positiveId accepts, with the same value")
  void sameIdsAsTheRouter() {
    List<String> ids = new ArrayList<>(List.of("1", "9", "10", "100", "1000", "2147483647", "2147483648", "9999999999",
        "10000000000", "0", "00", "01", "007", "-1", "+1", "1a", "a1", "", " 1", "1 ", "1.0", "1e3", "１", "1/", "/1"));
    Random random = new Random(7);
    String alphabet = "0123456789-+ a/";
    for (int i = 0; i < 20_000; i++) {
      StringBuilder b = new StringBuilder();
      for (int n = random.nextInt(12); n > 0; n--) {
        b.append(random.nextInt(10) < 8 ? (char) ('0' + random.nextInt(10)) : alphabet.charAt(random.nextInt(alphabet.length())));
      }
      ids.add(b.toString());
    }
    for (String id : ids) {
      int expected;
      try {
        expected = Params.positiveId(id, "id");
      } catch (Failure refused) {
        expected = -1;
      }
      assertEquals(expected, CatalogRoutes.canonicalId("/products/" + id, "/products/".length()), "id '" + id + "'");
    }
  }
}
