-- Per-subject data keys, wrapped by the master key.  Deleting a row is crypto-shredding: every
-- field sealed with that key, in the database and in every backup, becomes unreadable.
CREATE TABLE subject_keys (
	subject_id INTEGER PRIMARY KEY,
	wrapped BLOB NOT NULL,
	created_at INTEGER NOT NULL
);
