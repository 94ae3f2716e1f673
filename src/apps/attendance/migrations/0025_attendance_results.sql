-- Attendance results (issue 6): each person's judged day, and make-up punch requests (补卡).
-- Both are the enterprise's records about the person (PP-09), deleted when they leave it (PP-37)
-- or their account is erased, and with the enterprise.  Times are UTC milliseconds; a day is a
-- local date of the enterprise's zone as "YYYY-MM-DD", so days sort as text.

-- One row per person and day, made by att_day_compute() from the rule, the calendar, the punches
-- and approved make-ups (src/apps/attendance/result.c), and made again when one of them changes.
-- status: 'normal', 'late', 'early', 'missing', 'absent', 'field_pending', 'field', 'ongoing'
-- (today, nothing wrong yet, a window still open), 'rest', 'free' (a free-punching rule).
CREATE TABLE attendance_days (
	enterprise_id INTEGER NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,
	user_id INTEGER NOT NULL,
	day TEXT NOT NULL,
	group_id INTEGER NOT NULL,            -- the attendance group whose rule judged the day
	status TEXT NOT NULL,
	expected INTEGER NOT NULL DEFAULT 0,  -- 1: a working day the rule judges
	attended INTEGER NOT NULL DEFAULT 0,  -- 1: at least one punch or make-up counted
	late_count INTEGER NOT NULL DEFAULT 0,     -- shifts started late
	late_minutes INTEGER NOT NULL DEFAULT 0,
	early_count INTEGER NOT NULL DEFAULT 0,    -- shifts left early (flexible hours: a short day)
	early_minutes INTEGER NOT NULL DEFAULT 0,
	missing_count INTEGER NOT NULL DEFAULT 0,  -- ends of shifts without a punch
	field_count INTEGER NOT NULL DEFAULT 0,    -- field punches counted
	makeup_count INTEGER NOT NULL DEFAULT 0,   -- approved make-ups counted
	worked_minutes INTEGER NOT NULL DEFAULT 0, -- breaks excluded
	first_at INTEGER,                     -- the first and last punch of the day, NULL when none
	last_at INTEGER,
	detail TEXT NOT NULL DEFAULT '[]',    -- JSON: per shift, the expected times and the punches counted
	computed_at INTEGER NOT NULL,
	settles_at INTEGER,                   -- until then time alone can change the result (a window is open)
	stale INTEGER NOT NULL DEFAULT 0,     -- 1: a rule or the calendar changed; computed again when read
	PRIMARY KEY (enterprise_id, user_id, day),
	FOREIGN KEY (enterprise_id, user_id) REFERENCES members (enterprise_id, user_id) ON DELETE CASCADE
);
-- Who has a result on a day, from the index alone (reports ask day by day).
CREATE INDEX attendance_days_day ON attendance_days (enterprise_id, day, user_id);
-- Results to judge again: none most of the time.
CREATE INDEX attendance_days_stale ON attendance_days (enterprise_id, user_id, day) WHERE stale = 1;
-- Results with a window still open: today's, a few per person at most.
CREATE INDEX attendance_days_settles ON attendance_days (settles_at) WHERE settles_at IS NOT NULL;

-- Each person's month summed from attendance_days, made again whenever one of its days is
-- judged: monthly reports read one row per person instead of a month of days.  month "YYYY-MM".
CREATE TABLE attendance_months (
	enterprise_id INTEGER NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,
	user_id INTEGER NOT NULL,
	month TEXT NOT NULL,
	group_id INTEGER,                    -- the newest group that judged a day of the month
	expected_days INTEGER NOT NULL,
	attended_days INTEGER NOT NULL,
	late_count INTEGER NOT NULL,
	late_minutes INTEGER NOT NULL,
	early_count INTEGER NOT NULL,
	early_minutes INTEGER NOT NULL,
	absent_days INTEGER NOT NULL,
	missing_count INTEGER NOT NULL,
	field_count INTEGER NOT NULL,
	makeup_count INTEGER NOT NULL,
	worked_minutes INTEGER NOT NULL,     -- on days the rule judges; rest days' work is apart
	rest_minutes INTEGER NOT NULL,
	PRIMARY KEY (enterprise_id, user_id, month),
	FOREIGN KEY (enterprise_id, user_id) REFERENCES members (enterprise_id, user_id) ON DELETE CASCADE
);
CREATE INDEX attendance_months_month ON attendance_months (enterprise_id, month);

-- What the results job has judged for every active member of an enterprise: the days from
-- from_day through through_day.
CREATE TABLE attendance_settled (
	enterprise_id INTEGER PRIMARY KEY REFERENCES enterprises (id) ON DELETE CASCADE,
	from_day TEXT NOT NULL,
	through_day TEXT NOT NULL
);

-- A make-up request: the person says they were there at `at` and why; an administrator with the
-- attendance right approves (the time then counts as a punch of proof "makeup") or rejects it.
CREATE TABLE attendance_makeups (
	id INTEGER PRIMARY KEY,
	enterprise_id INTEGER NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,
	user_id INTEGER NOT NULL,
	day TEXT NOT NULL,
	shift INTEGER,                        -- the shift's index in the day (0 first), NULL: not said
	at INTEGER NOT NULL,                  -- the time claimed
	reason TEXT NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
	created_at INTEGER NOT NULL,
	decided_by INTEGER,                   -- a bare user id of the administrator
	decided_at INTEGER,
	comment TEXT NOT NULL DEFAULT '',
	UNIQUE (enterprise_id, id),
	FOREIGN KEY (enterprise_id, user_id) REFERENCES members (enterprise_id, user_id) ON DELETE CASCADE
);
CREATE INDEX attendance_makeups_person ON attendance_makeups (enterprise_id, user_id, day);
CREATE INDEX attendance_makeups_pending ON attendance_makeups (enterprise_id, id) WHERE status = 'pending';
