-- Accounts, their sessions (one per device), known devices and one-time codes.
CREATE TABLE users (
	id INTEGER PRIMARY KEY,
	phone_index BLOB NOT NULL UNIQUE,      -- keyed hash of the E.164 number, for lookup
	phone_sealed BLOB NOT NULL,            -- the number, sealed with the user's data key
	name TEXT NOT NULL,
	gender TEXT NOT NULL DEFAULT 'unspecified' CHECK (gender IN ('unspecified', 'male', 'female')),
	email TEXT,
	pending_email TEXT,
	policy_version TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);

CREATE TABLE sessions (
	id INTEGER PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	token_hash BLOB NOT NULL UNIQUE,
	cookie INTEGER NOT NULL CHECK (cookie IN (0, 1)),
	device_id TEXT NOT NULL,
	device_model TEXT NOT NULL,
	device_os TEXT NOT NULL,
	app_version TEXT NOT NULL,
	ip TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	last_seen_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id, id);

CREATE TABLE known_devices (
	user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	device_id TEXT NOT NULL,
	first_seen_at INTEGER NOT NULL,
	PRIMARY KEY (user_id, device_id)
);

-- Codes sent by SMS or e-mail.  Neither the code nor the number is stored: only keyed hashes.
CREATE TABLE verification_codes (
	id INTEGER PRIMARY KEY,
	target_index BLOB NOT NULL,
	purpose TEXT NOT NULL,
	code_hash BLOB NOT NULL,
	tries INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	used_at INTEGER
);
CREATE INDEX verification_codes_target ON verification_codes (target_index, id);
