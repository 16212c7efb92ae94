-- As of which moment each rule was last evaluated and its findings applied, whether or not anything was
-- announced. A check as of an earlier moment would announce from the past (resolve an alert that is live now),
-- so the command line refuses one.
CREATE TABLE rule_evaluations (
  rule         VARCHAR(200)             NOT NULL PRIMARY KEY,
  evaluated_at TIMESTAMP WITH TIME ZONE NOT NULL
);

-- A database from before this table: its latest announcements are the latest evaluations it can prove.
INSERT INTO rule_evaluations (rule, evaluated_at)
  SELECT rule, MAX(last_notified) FROM alert_state GROUP BY rule;
