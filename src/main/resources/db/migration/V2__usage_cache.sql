-- The usage cache: what one series (API key x model) used over one closed local day, fetched from UCloud once.
-- A day is closed once it ended at least ucloud.settle ago. The slice's instants are part of the key, so days
-- cut in another timezone are other rows: changing `timezone` refetches instead of reusing misaligned days.
-- Totals and buckets are two tables: a check reads the totals of every day of every series, and the buckets
-- (thirty times their size) only of the days a window covers in part, or when a forecast or chart needs them.
CREATE TABLE usage_slice (
  key_id        VARCHAR(200)             NOT NULL,
  model         VARCHAR(500)             NOT NULL,
  slice_start   TIMESTAMP WITH TIME ZONE NOT NULL,
  slice_end     TIMESTAMP WITH TIME ZONE NOT NULL,
  input_tokens  BIGINT                   NOT NULL,
  output_tokens BIGINT                   NOT NULL,
  total_tokens  BIGINT                   NOT NULL,
  requests      BIGINT                   NOT NULL,
  images        BIGINT                   NOT NULL,
  fetched_at    TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (key_id, model, slice_start, slice_end)
);

CREATE TABLE usage_slice_buckets (
  key_id        VARCHAR(200)             NOT NULL,
  model         VARCHAR(500)             NOT NULL,
  slice_start   TIMESTAMP WITH TIME ZONE NOT NULL,
  slice_end     TIMESTAMP WITH TIME ZONE NOT NULL,
  -- epochSecond,in,out,total,requests,images per bucket, ';' between buckets (about 1 kB for 24 hours);
  -- VARCHAR, not TEXT: H2 keeps TEXT as a LOB, slow to read by the thousand
  buckets       VARCHAR(200000)          NOT NULL,
  PRIMARY KEY (key_id, model, slice_start, slice_end)
);
