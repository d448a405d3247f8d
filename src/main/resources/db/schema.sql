-- Storefront catalog schema. Table and column names are fixed: other code and external tools query them.
-- Idempotent: every statement creates only what is missing.
CREATE TABLE IF NOT EXISTS brand (
  brand_id   serial PRIMARY KEY,
  brand_name text NOT NULL
);

CREATE TABLE IF NOT EXISTS product (
  product_id   serial PRIMARY KEY,
  product_name text NOT NULL,
  brand_id     int NOT NULL REFERENCES brand (brand_id)
);
CREATE INDEX IF NOT EXISTS product_brand_idx ON product (brand_id, product_id);

CREATE TABLE IF NOT EXISTS product_color (
  product_color_id   serial PRIMARY KEY,
  product_color_name text NOT NULL
);

CREATE TABLE IF NOT EXISTS product_size (
  product_size_id   serial PRIMARY KEY,
  product_size_name text NOT NULL
);

CREATE TABLE IF NOT EXISTS sku (
  sku_id           serial PRIMARY KEY,
  product_id       int NOT NULL REFERENCES product (product_id),
  product_size_id  int NOT NULL REFERENCES product_size (product_size_id),
  product_color_id int NOT NULL REFERENCES product_color (product_color_id)
);
CREATE INDEX IF NOT EXISTS sku_product_id_idx ON sku (product_id);

CREATE TABLE IF NOT EXISTS customer_feedback (
  feedback_id bigserial PRIMARY KEY,
  product_id  int NOT NULL REFERENCES product (product_id),
  body        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS customer_feedback_product_idx ON customer_feedback (product_id, feedback_id);

-- A fenced resource (PUT /inventory/{sku}): a write carries the fencing token of the lock that guards the row and
-- lands only when that token is newer than the one of the last write (fence), and from the same lock (lock_name),
-- so a holder that lost its lock (paused, cut off, lease ended) cannot overwrite its successor.
CREATE TABLE IF NOT EXISTS inventory (
  sku       text PRIMARY KEY,
  quantity  int NOT NULL,
  fence     bigint NOT NULL,
  lock_name text NOT NULL
);
