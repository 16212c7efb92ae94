-- The usage cache is read by the range of days a check covers and purged by age (Retention): both by slice_start,
-- which the primary keys (key_id first) cannot serve, so every read scanned the whole table.
CREATE INDEX usage_slice_start ON usage_slice (slice_start);
CREATE INDEX usage_slice_buckets_start ON usage_slice_buckets (slice_start);
