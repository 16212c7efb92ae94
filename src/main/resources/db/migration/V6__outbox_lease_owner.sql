-- Who holds an outbox entry's lease (delivery.Lessee): "run <Quartz instance id>" for a scheduler of `run`,
-- "command <host>-<pid>" for a one-shot command. A restarted `run`, or a cluster that lost an instance, ends the
-- leases of the run that is gone instead of waiting them out; a command's lease is never taken from it.
ALTER TABLE outbox ADD COLUMN leased_by VARCHAR(200);
