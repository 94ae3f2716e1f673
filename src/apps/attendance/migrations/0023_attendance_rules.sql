-- Attendance rules (issue 6): the work calendar, punch places, attendance groups with their rule,
-- shifts and members, and the roster of scheduled shifts.  Every row names the enterprise and
-- every key includes it, so nothing can be attached across enterprises.

-- The enterprise's week and time zone; no row means Monday to Friday in Asia/Shanghai.
-- workdays: bit n-1 set when ISO weekday n (1 Monday … 7 Sunday) is a working day; 31 = Mon–Fri.
CREATE TABLE attendance_calendars (
	enterprise_id INTEGER PRIMARY KEY REFERENCES enterprises (id) ON DELETE CASCADE,
	workdays INTEGER NOT NULL DEFAULT 31 CHECK (workdays BETWEEN 0 AND 127),
	time_zone TEXT NOT NULL DEFAULT 'Asia/Shanghai',
	updated_at INTEGER NOT NULL
);

-- Dated exceptions to the week: a public holiday off though a weekday, or a swapped working
-- weekend (调休).  day is the local date "YYYY-MM-DD" (text sorts as dates do).
CREATE TABLE attendance_calendar_days (
	enterprise_id INTEGER NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,
	day TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
	name TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (enterprise_id, day)
);

-- Where people may punch: a geofence (a WGS-84 centre in units of 1e-7 degree, about a
-- centimetre, and a radius) or a Wi-Fi network (SSID, optional lowercase BSSID).  Integers, not
-- REAL: PostgreSQL's REAL is single precision, metres off at these magnitudes.
CREATE TABLE attendance_places (
	id INTEGER PRIMARY KEY,
	enterprise_id INTEGER NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,
	kind TEXT NOT NULL CHECK (kind IN ('geofence', 'wifi')),
	name TEXT NOT NULL,
	latitude_e7 INTEGER,
	longitude_e7 INTEGER,
	radius_m INTEGER,
	ssid TEXT,
	bssid TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	UNIQUE (enterprise_id, id),
	CHECK ((kind = 'geofence' AND latitude_e7 IS NOT NULL AND longitude_e7 IS NOT NULL AND radius_m IS NOT NULL)
	       OR (kind = 'wifi' AND ssid IS NOT NULL))
);

-- An attendance group and the settings of its one rule; the shifts are in attendance_shifts.
-- hours_per_day is in minutes (a flexible rule's expected work a day).
CREATE TABLE attendance_groups (
	id INTEGER PRIMARY KEY,
	enterprise_id INTEGER NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,
	name TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('fixed', 'scheduled', 'flexible', 'free')),
	hours_per_day INTEGER NOT NULL DEFAULT 0,
	allow_field INTEGER NOT NULL DEFAULT 0 CHECK (allow_field IN (0, 1)),
	makeup_per_month INTEGER NOT NULL DEFAULT 3,
	device_changes_per_month INTEGER NOT NULL DEFAULT 0,
	location_retention_days INTEGER NOT NULL DEFAULT 30 CHECK (location_retention_days BETWEEN 1 AND 365),
	max_speed_kmh INTEGER NOT NULL DEFAULT 300,
	max_accuracy_m INTEGER NOT NULL DEFAULT 200,
	clock_skew_s INTEGER NOT NULL DEFAULT 300,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	UNIQUE (enterprise_id, id)
);

-- A rule's shifts in order (idx from 0): the day's shifts of a fixed rule, the named shifts a
-- roster picks from for a scheduled one.  Times are minutes after local midnight; an end before
-- its start ends the next day.  A break's times are absent (NULL) when the shift has fewer.
CREATE TABLE attendance_shifts (
	enterprise_id INTEGER NOT NULL,
	group_id INTEGER NOT NULL,
	idx INTEGER NOT NULL,
	name TEXT NOT NULL DEFAULT '',
	start_min INTEGER NOT NULL,
	end_min INTEGER NOT NULL,
	late_grace INTEGER NOT NULL DEFAULT 0,
	early_grace INTEGER NOT NULL DEFAULT 0,
	flex INTEGER NOT NULL DEFAULT 0,
	break1_start INTEGER,
	break1_end INTEGER,
	break2_start INTEGER,
	break2_end INTEGER,
	PRIMARY KEY (enterprise_id, group_id, idx),
	FOREIGN KEY (enterprise_id, group_id) REFERENCES attendance_groups (enterprise_id, id) ON DELETE CASCADE
);

CREATE TABLE attendance_group_places (
	enterprise_id INTEGER NOT NULL,
	group_id INTEGER NOT NULL,
	place_id INTEGER NOT NULL,
	PRIMARY KEY (enterprise_id, group_id, place_id),
	FOREIGN KEY (enterprise_id, group_id) REFERENCES attendance_groups (enterprise_id, id) ON DELETE CASCADE,
	FOREIGN KEY (enterprise_id, place_id) REFERENCES attendance_places (enterprise_id, id) ON DELETE CASCADE
);
CREATE INDEX attendance_group_places_place ON attendance_group_places (enterprise_id, place_id);

-- Members by department (with the departments below): a department is in at most one group.
CREATE TABLE attendance_group_departments (
	enterprise_id INTEGER NOT NULL,
	group_id INTEGER NOT NULL,
	department_id INTEGER NOT NULL,
	PRIMARY KEY (enterprise_id, department_id),
	FOREIGN KEY (enterprise_id, group_id) REFERENCES attendance_groups (enterprise_id, id) ON DELETE CASCADE,
	FOREIGN KEY (enterprise_id, department_id) REFERENCES departments (enterprise_id, id) ON DELETE CASCADE
);
CREATE INDEX attendance_group_departments_group ON attendance_group_departments (enterprise_id, group_id);

-- Members by person (excluded 0), and the exceptions taken out of a group (excluded 1).  A
-- person is named into at most one group; they may be an exception of several.
CREATE TABLE attendance_group_people (
	enterprise_id INTEGER NOT NULL,
	group_id INTEGER NOT NULL,
	user_id INTEGER NOT NULL,
	excluded INTEGER NOT NULL DEFAULT 0 CHECK (excluded IN (0, 1)),
	PRIMARY KEY (enterprise_id, group_id, user_id),
	FOREIGN KEY (enterprise_id, group_id) REFERENCES attendance_groups (enterprise_id, id) ON DELETE CASCADE,
	FOREIGN KEY (enterprise_id, user_id) REFERENCES members (enterprise_id, user_id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX attendance_group_people_one ON attendance_group_people (enterprise_id, user_id) WHERE excluded = 0;
CREATE INDEX attendance_group_people_user ON attendance_group_people (enterprise_id, user_id);

-- The roster of a scheduled rule: a person's shift (by name) on a local day, NULL for rest.
CREATE TABLE attendance_roster (
	enterprise_id INTEGER NOT NULL,
	group_id INTEGER NOT NULL,
	user_id INTEGER NOT NULL,
	day TEXT NOT NULL,
	shift TEXT,
	PRIMARY KEY (enterprise_id, group_id, user_id, day),
	FOREIGN KEY (enterprise_id, group_id) REFERENCES attendance_groups (enterprise_id, id) ON DELETE CASCADE,
	FOREIGN KEY (enterprise_id, user_id) REFERENCES members (enterprise_id, user_id) ON DELETE CASCADE
);
CREATE INDEX attendance_roster_day ON attendance_roster (enterprise_id, group_id, day);
