-- The audit chain: append-only, each row hash-chained to the one before (src/privacy/audit.h).
-- No foreign key to users: entries are the legal record and outlive the accounts they name.
CREATE TABLE audit_log (
	id INTEGER PRIMARY KEY,          -- time-ordered; the chain's order
	at INTEGER NOT NULL,             -- ms since the Unix epoch
	actor INTEGER NOT NULL,          -- user id; 0 is the system or the operator
	action TEXT NOT NULL,            -- "consent.grant", "session.revoke", …
	subject INTEGER NOT NULL,        -- whose data; 0 none
	object TEXT NOT NULL,            -- what was touched: "consent:123", "purpose:privacy_policy"
	detail TEXT NOT NULL DEFAULT '', -- JSON text or ''; never personal data
	prev_hash BLOB NOT NULL,
	hash BLOB NOT NULL
);
CREATE INDEX audit_log_subject ON audit_log (subject, id);
