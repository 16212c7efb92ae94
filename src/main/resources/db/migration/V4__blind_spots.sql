-- What a rule cannot see, while it lasts: its usage could not be fetched (cause 'unavailable'), or a key or model
-- it names is unknown to UCloud, disabled, expired or not granted (cause 'misconfigured:<what>'). A row is
-- announced once (announced_at: at once when misconfigured, after the rule's staleAfter when unavailable) and
-- removed when the cause is gone, so a cause that comes back is announced again.
CREATE TABLE blind_spots (
  rule         VARCHAR(200)             NOT NULL,
  cause        VARCHAR(600)             NOT NULL,
  since        TIMESTAMP WITH TIME ZONE NOT NULL,
  detail       VARCHAR(2000)            NOT NULL,
  announced_at TIMESTAMP WITH TIME ZONE,
  PRIMARY KEY (rule, cause)
);
