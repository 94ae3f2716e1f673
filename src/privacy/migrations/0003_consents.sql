-- Consent records: append-only; a grant or a revocation is a new row.
CREATE TABLE consents (
	id INTEGER PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	purpose TEXT NOT NULL,
	granted INTEGER NOT NULL CHECK (granted IN (0, 1)),
	policy_version TEXT NOT NULL,
	device_id TEXT,
	created_at INTEGER NOT NULL
);
CREATE INDEX consents_user ON consents (user_id, purpose, id);
