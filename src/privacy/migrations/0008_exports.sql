-- Exports of a user's data (PP-36): a queue the job runner works through, and where each ZIP is.
-- The file lives under <data>/exports/ for EXPORT_KEEP_DAYS after it is ready, then is deleted.
CREATE TABLE exports (
	id INTEGER PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'ready', 'failed', 'expired')),
	progress INTEGER NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
	created_at INTEGER NOT NULL,
	ready_at INTEGER,
	expires_at INTEGER,
	size INTEGER,
	file TEXT                          -- a name in <data>/exports/, never a path; NULL once deleted
);
CREATE INDEX exports_user ON exports (user_id, id);
CREATE INDEX exports_status ON exports (status, id);
