-- Punches (issue 6, punch.c): each punch keeps what attendance needs and no more.  It keeps the
-- place it matched and the distance to it; the raw coordinates only sealed with the person's key
-- and only until location_expires_at (the rule's location_retention_days; the retention rule
-- attendance_punches then clears them, the punch stays).  The Wi-Fi network read at punch time
-- and the installed-app list are never stored: only the place matched and the flags.
-- Every row hangs on the membership: leaving (PP-37) or the enterprise's deletion takes them.

-- kind: the proof the client offered; place_id NULL: outside every place (a field punch, flagged
-- for review).  flags: enum punch_flags of punch.h.  review: 'none' (nothing flagged), 'pending'
-- (flagged, awaiting an administrator), 'accepted', 'rejected' (results leave it out).
CREATE TABLE attendance_punches (
	id INTEGER PRIMARY KEY,
	enterprise_id INTEGER NOT NULL,
	user_id INTEGER NOT NULL,
	idempotency_key TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('location', 'wifi', 'both', 'field')),
	punched_at INTEGER NOT NULL,      -- server time: what counts
	day TEXT NOT NULL,                -- the enterprise's local date of punched_at
	client_time INTEGER NOT NULL,     -- what the phone's clock said, to judge the skew in review
	device_id TEXT NOT NULL,
	place_id INTEGER,                 -- bare id of the place matched (the rules part owns places)
	matched_by TEXT CHECK (matched_by IN ('location', 'wifi')),
	distance_m INTEGER,               -- metres to the matched geofence, or the nearest one; NULL without a location
	location_sealed BLOB,             -- {"latitude","longitude","accuracy_m"} WGS-84, sealed for user_id
	location_expires_at INTEGER,      -- NULL once cleared, or when none was collected
	flags INTEGER NOT NULL,
	note TEXT,
	photo_file_id INTEGER,
	review TEXT NOT NULL CHECK (review IN ('none', 'pending', 'accepted', 'rejected')),
	reviewed_by INTEGER,
	reviewed_at INTEGER,
	UNIQUE (enterprise_id, user_id, idempotency_key),
	FOREIGN KEY (enterprise_id, user_id) REFERENCES members (enterprise_id, user_id) ON DELETE CASCADE
);
CREATE INDEX attendance_punches_day ON attendance_punches (enterprise_id, user_id, punched_at);
CREATE INDEX attendance_punches_list ON attendance_punches (enterprise_id, day, id);
CREATE INDEX attendance_punches_review ON attendance_punches (enterprise_id, id) WHERE review = 'pending';
CREATE INDEX attendance_punches_photo ON attendance_punches (enterprise_id, photo_file_id) WHERE photo_file_id IS NOT NULL;
CREATE INDEX attendance_punches_expiry ON attendance_punches (location_expires_at) WHERE location_expires_at IS NOT NULL;

-- The one device a person punches from in an enterprise: bound by their first punch.
CREATE TABLE attendance_devices (
	enterprise_id INTEGER NOT NULL,
	user_id INTEGER NOT NULL,
	device_id TEXT NOT NULL,
	bound_at INTEGER NOT NULL,
	PRIMARY KEY (enterprise_id, user_id),
	FOREIGN KEY (enterprise_id, user_id) REFERENCES members (enterprise_id, user_id) ON DELETE CASCADE
);

-- Changes of that device: 'automatic' within the rule's device_changes_per_month, otherwise a
-- request an administrator with the attendance right approves or rejects.
CREATE TABLE attendance_device_changes (
	id INTEGER PRIMARY KEY,
	enterprise_id INTEGER NOT NULL,
	user_id INTEGER NOT NULL,
	device_id TEXT NOT NULL,          -- the device asked for
	reason TEXT NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'automatic')),
	created_at INTEGER NOT NULL,
	decided_by INTEGER,
	decided_at INTEGER,
	FOREIGN KEY (enterprise_id, user_id) REFERENCES members (enterprise_id, user_id) ON DELETE CASCADE
);
CREATE INDEX attendance_device_changes_user ON attendance_device_changes (enterprise_id, user_id, created_at);
CREATE UNIQUE INDEX attendance_device_changes_pending ON attendance_device_changes (enterprise_id, user_id)
	WHERE status = 'pending';
CREATE INDEX attendance_device_changes_decided ON attendance_device_changes (decided_at) WHERE decided_at IS NOT NULL;

-- The enterprise's list of cheating tools (package names or bundle ids).  A punch's app list is
-- matched against it in memory and only the result is kept (punch flag cheating_app).
CREATE TABLE attendance_app_blocklist (
	enterprise_id INTEGER NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,
	app_id TEXT NOT NULL,
	PRIMARY KEY (enterprise_id, app_id)
);
