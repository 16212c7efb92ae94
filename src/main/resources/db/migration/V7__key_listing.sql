-- The project's API keys as UCloud last listed them (app.Discovery), so that a command run within
-- ucloud.discoveryInterval of that listing asks UCloud nothing. `project` names where they were listed (base URL,
-- project, public key): another project's listing is not used. Replaced whole at each listing.
CREATE TABLE key_listing (
  project   VARCHAR(1000)            NOT NULL PRIMARY KEY,
  listed_at TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE key_listing_keys (
  project   VARCHAR(1000)  NOT NULL REFERENCES key_listing (project) ON DELETE CASCADE,
  key_id    VARCHAR(200)   NOT NULL,
  name      VARCHAR(500)   NOT NULL,
  enabled   BOOLEAN        NOT NULL,
  expires   TIMESTAMP WITH TIME ZONE,
  -- the models it may call, one per line; NULL when UCloud would not say
  models    VARCHAR(100000),
  PRIMARY KEY (project, key_id)
);
