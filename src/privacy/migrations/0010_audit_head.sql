-- The audit chain's head, sealed with a key derived from the master key: the newest entry's id
-- and hash and the number of entries.  Dropping the newest entries, or rewriting the whole chain,
-- no longer goes unseen: the head would not match, and a new head needs the master key.
CREATE TABLE audit_head (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	last_id INTEGER NOT NULL,
	entries INTEGER NOT NULL,
	hash BLOB NOT NULL,
	seal BLOB NOT NULL
);
