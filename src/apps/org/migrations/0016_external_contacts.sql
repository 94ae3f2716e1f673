-- External contacts: cards of an enterprise's customers and partners, each held by the member who
-- made it (owner_id) and shared with departments (and their sub-departments) or named colleagues.
-- The people on the cards are not users: the cards are the enterprise's data (PP-09), gone with
-- the enterprise, handed to a colleague when their owner leaves.  Every key names the enterprise.
CREATE TABLE external_contacts (
	enterprise_id INTEGER NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,
	id INTEGER NOT NULL,
	-- No reference to members: a card outlives its owner's membership (handed over, never lost).
	owner_id INTEGER NOT NULL,
	name TEXT NOT NULL,
	company TEXT NOT NULL DEFAULT '',
	title TEXT NOT NULL DEFAULT '',
	phones TEXT NOT NULL DEFAULT '[]',     -- JSON array of strings, as typed
	phone_digits TEXT NOT NULL DEFAULT '', -- the digits of each phone, space-separated: for search
	emails TEXT NOT NULL DEFAULT '[]',     -- JSON array of strings
	address TEXT NOT NULL DEFAULT '',
	notes TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	PRIMARY KEY (enterprise_id, id)
);
CREATE INDEX external_contacts_owner ON external_contacts (enterprise_id, owner_id);

CREATE TABLE external_contact_tags (
	enterprise_id INTEGER NOT NULL,
	contact_id INTEGER NOT NULL,
	sort INTEGER NOT NULL, -- the order the tags were given in
	tag TEXT NOT NULL,
	PRIMARY KEY (enterprise_id, contact_id, tag),
	FOREIGN KEY (enterprise_id, contact_id) REFERENCES external_contacts (enterprise_id, id) ON DELETE CASCADE
);
CREATE INDEX external_contact_tags_tag ON external_contact_tags (enterprise_id, tag);

-- Shared with a department: seen by its members and those of its sub-departments.
CREATE TABLE external_contact_departments (
	enterprise_id INTEGER NOT NULL,
	contact_id INTEGER NOT NULL,
	department_id INTEGER NOT NULL,
	PRIMARY KEY (enterprise_id, contact_id, department_id),
	FOREIGN KEY (enterprise_id, contact_id) REFERENCES external_contacts (enterprise_id, id) ON DELETE CASCADE,
	FOREIGN KEY (enterprise_id, department_id) REFERENCES departments (enterprise_id, id) ON DELETE CASCADE
);
CREATE INDEX external_contact_departments_department ON external_contact_departments (enterprise_id, department_id);

-- Shared with a named colleague; the share goes when the colleague leaves.
CREATE TABLE external_contact_colleagues (
	enterprise_id INTEGER NOT NULL,
	contact_id INTEGER NOT NULL,
	colleague_id INTEGER NOT NULL,
	PRIMARY KEY (enterprise_id, contact_id, colleague_id),
	FOREIGN KEY (enterprise_id, contact_id) REFERENCES external_contacts (enterprise_id, id) ON DELETE CASCADE,
	FOREIGN KEY (enterprise_id, colleague_id) REFERENCES members (enterprise_id, user_id) ON DELETE CASCADE
);
CREATE INDEX external_contact_colleagues_colleague ON external_contact_colleagues (enterprise_id, colleague_id);
