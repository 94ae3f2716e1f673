-- Consent per declared purpose (PP-12, PP-15, PP-19): each record keeps the version of the
-- purpose it answered, so raising a purpose's version makes older grants stop counting.
-- Records made before purposes had versions (the policy acceptance at registration) keep 0.
ALTER TABLE consents ADD COLUMN purpose_version INTEGER NOT NULL DEFAULT 0;

-- What each device reports of its permission switches (PP-13): off stops collection from that
-- device for every purpose riding on the permission.  One row per switch, replaced on change.
CREATE TABLE device_permissions (
	user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	device_id TEXT NOT NULL,
	permission TEXT NOT NULL,
	granted INTEGER NOT NULL CHECK (granted IN (0, 1)),
	updated_at INTEGER NOT NULL,
	PRIMARY KEY (user_id, device_id, permission)
);

-- Push notification tokens, one per device, stored only under a live consent to
-- push_notifications; a later revocation stops new tokens and leaves this one as it was.
CREATE TABLE push_tokens (
	user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	device_id TEXT NOT NULL,
	token TEXT NOT NULL,
	updated_at INTEGER NOT NULL,
	PRIMARY KEY (user_id, device_id)
);
