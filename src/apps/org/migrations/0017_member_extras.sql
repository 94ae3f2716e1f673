-- Member extras (issue 4): profile fields an enterprise defines for itself, each member's values
-- of them, and member photos.  Every row names the enterprise and the keys include it, so a value
-- or a photo can never be attached across enterprises.

-- An enterprise's own profile fields, Chinese name first; level as in field_visibility.
CREATE TABLE custom_fields (
	id INTEGER PRIMARY KEY,
	enterprise_id INTEGER NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,
	name_zh TEXT NOT NULL,
	name_en TEXT NOT NULL DEFAULT '',
	kind TEXT NOT NULL CHECK (kind IN ('text', 'number', 'date', 'choice')),
	options TEXT NOT NULL DEFAULT '[]', -- JSON array of strings: the choices of a 'choice' field
	level TEXT NOT NULL DEFAULT 'everyone' CHECK (level IN ('everyone', 'department', 'admins', 'hidden')),
	sort INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	UNIQUE (enterprise_id, id)
);
CREATE INDEX custom_fields_order ON custom_fields (enterprise_id, sort, id);

-- A member's value of a field; no row means no value.  Deleting the field deletes its values.
CREATE TABLE member_custom_values (
	enterprise_id INTEGER NOT NULL,
	user_id INTEGER NOT NULL,
	field_id INTEGER NOT NULL,
	value TEXT NOT NULL,
	PRIMARY KEY (enterprise_id, user_id, field_id),
	FOREIGN KEY (enterprise_id, user_id) REFERENCES members (enterprise_id, user_id) ON DELETE CASCADE,
	FOREIGN KEY (enterprise_id, field_id) REFERENCES custom_fields (enterprise_id, id) ON DELETE CASCADE
);
CREATE INDEX member_custom_values_field ON member_custom_values (enterprise_id, field_id);

-- A member's photo as the enterprise shows it: a square JPEG thumbnail, re-encoded without any
-- metadata (no EXIF, no GPS), never the uploaded file.
CREATE TABLE member_photos (
	enterprise_id INTEGER NOT NULL,
	user_id INTEGER NOT NULL,
	mime TEXT NOT NULL,
	bytes BLOB NOT NULL,
	updated_at INTEGER NOT NULL,
	PRIMARY KEY (enterprise_id, user_id),
	FOREIGN KEY (enterprise_id, user_id) REFERENCES members (enterprise_id, user_id) ON DELETE CASCADE
);
