-- Member profiles as the enterprise holds them, and who in the enterprise sees which field
-- (PP-20, PP-26).  A member without a profile row has every field empty; an enterprise without a
-- field_visibility row for a field uses the default of member.c.
CREATE TABLE member_profiles (
	enterprise_id INTEGER NOT NULL,
	user_id INTEGER NOT NULL,
	gender TEXT NOT NULL DEFAULT '',
	work_phone TEXT NOT NULL DEFAULT '', -- E.164
	landline TEXT NOT NULL DEFAULT '',
	email TEXT NOT NULL DEFAULT '',
	position TEXT NOT NULL DEFAULT '',
	rank TEXT NOT NULL DEFAULT '',
	title TEXT NOT NULL DEFAULT '',
	job_number TEXT NOT NULL DEFAULT '',
	office_seat TEXT NOT NULL DEFAULT '',
	fax TEXT NOT NULL DEFAULT '',
	work_signature TEXT NOT NULL DEFAULT '',
	hire_date TEXT NOT NULL DEFAULT '', -- YYYY-MM-DD or ''
	PRIMARY KEY (enterprise_id, user_id),
	FOREIGN KEY (enterprise_id, user_id) REFERENCES members (enterprise_id, user_id) ON DELETE CASCADE
);

CREATE TABLE field_visibility (
	enterprise_id INTEGER NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,
	field TEXT NOT NULL,
	level TEXT NOT NULL CHECK (level IN ('everyone', 'department', 'admins', 'hidden')),
	PRIMARY KEY (enterprise_id, field)
);

-- Whether members who are not administrators see colleagues' mobile numbers unmasked.
ALTER TABLE enterprises ADD COLUMN show_mobile INTEGER NOT NULL DEFAULT 0 CHECK (show_mobile IN (0, 1));
