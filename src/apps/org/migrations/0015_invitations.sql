-- Joining with the person's consent (PP-04, PP-11).  An invitation is a link (or its QR code)
-- with an expiry, a use limit and optional approval; the token itself is stored only as a hash.
-- What an enterprise holds about someone who has not joined is a pending member: invited by
-- phone, imported from a file, or a request to join through a link that awaits approval.  It is
-- seen by the enterprise's administrators only, until the person accepts (it becomes a member)
-- or declines (it is deleted); the retention job deletes those left unanswered.
CREATE TABLE invitations (
	id INTEGER PRIMARY KEY,
	enterprise_id INTEGER NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,
	token_hash BLOB NOT NULL UNIQUE,
	created_by INTEGER NOT NULL, -- user id of the administrator
	department_id INTEGER,       -- where people who join through it are placed, or NULL
	needs_approval INTEGER NOT NULL CHECK (needs_approval IN (0, 1)),
	max_uses INTEGER,            -- NULL: no limit
	uses INTEGER NOT NULL DEFAULT 0,
	expires_at INTEGER NOT NULL,
	revoked_at INTEGER,
	created_at INTEGER NOT NULL,
	UNIQUE (enterprise_id, id)
);
CREATE INDEX invitations_enterprise ON invitations (enterprise_id, id);

-- phone_index finds the rows of a person who signs in with the number; phone_sealed is sealed
-- with a data key of the row's own (subject id = the row's id), destroyed with the row.
-- user_id is set for requests to join through a link (the person is known).
CREATE TABLE pending_members (
	id INTEGER PRIMARY KEY,
	enterprise_id INTEGER NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,
	source TEXT NOT NULL CHECK (source IN ('invitation', 'import', 'link')),
	status TEXT NOT NULL CHECK (status IN ('awaiting_person', 'awaiting_approval')),
	invitation_id INTEGER,
	import_id INTEGER,
	user_id INTEGER REFERENCES users (id) ON DELETE CASCADE,
	phone_index BLOB,
	phone_sealed BLOB,
	name TEXT NOT NULL,
	department_id INTEGER,
	title TEXT NOT NULL DEFAULT '',
	job_number TEXT NOT NULL DEFAULT '',
	email TEXT NOT NULL DEFAULT '',
	created_by INTEGER NOT NULL,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	CHECK (phone_index IS NOT NULL OR user_id IS NOT NULL)
);
CREATE UNIQUE INDEX pending_members_phone ON pending_members (enterprise_id, phone_index) WHERE phone_index IS NOT NULL;
CREATE UNIQUE INDEX pending_members_user ON pending_members (enterprise_id, user_id) WHERE user_id IS NOT NULL;
CREATE INDEX pending_members_by_phone ON pending_members (phone_index) WHERE phone_index IS NOT NULL;
CREATE INDEX pending_members_by_user ON pending_members (user_id) WHERE user_id IS NOT NULL;
CREATE INDEX pending_members_enterprise ON pending_members (enterprise_id, id);
CREATE INDEX pending_members_expiry ON pending_members (expires_at);

-- However a pending row goes (accepted, declined, expired, its enterprise deleted), its data key
-- goes with it, and with the key every sealed copy, backups included.
CREATE TRIGGER pending_members_key AFTER DELETE ON pending_members
BEGIN
	DELETE FROM subject_keys WHERE subject_id = old.id;
END;

-- Imports of people from a file: the file is held only until the job has read it.
CREATE TABLE imports (
	id INTEGER PRIMARY KEY,
	enterprise_id INTEGER NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,
	created_by INTEGER NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
	file BLOB,            -- the upload, until read
	rows_total INTEGER NOT NULL DEFAULT 0,
	rows_done INTEGER NOT NULL DEFAULT 0,
	imported INTEGER NOT NULL DEFAULT 0,
	errors TEXT,          -- JSON array of row errors (row, field, code, detail); no cell values
	notify INTEGER NOT NULL DEFAULT 0 CHECK (notify IN (0, 1)),
	created_at INTEGER NOT NULL,
	finished_at INTEGER,
	UNIQUE (enterprise_id, id)
);
CREATE INDEX imports_queue ON imports (status, id);
