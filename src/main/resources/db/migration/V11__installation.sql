-- When `run` first started on this database: a digest of a period that ended before then is not caught up at
-- start, since nobody was there to miss it. The first start records it (with the injected clock); a database
-- that was in use before this migration counts as installed at the epoch, so that a restart after the upgrade
-- still catches up what it missed.
CREATE TABLE installation (
  id           INTEGER                  NOT NULL PRIMARY KEY,
  installed_at TIMESTAMP WITH TIME ZONE NOT NULL
);

INSERT INTO installation (id, installed_at)
  SELECT 1, TIMESTAMP WITH TIME ZONE '1970-01-01 00:00:00+00:00'
  FROM (SELECT rule AS used FROM rule_evaluations UNION ALL SELECT dedup_key FROM outbox) earlier
  HAVING COUNT(*) > 0;
