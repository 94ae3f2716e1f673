-- Enterprises, their members, a minimal department table, and administrators' rights and scope.
-- Every row below the enterprise names it, and every query of these tables names it too.
CREATE TABLE enterprises (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL,
	industry TEXT NOT NULL,
	size TEXT NOT NULL,
	region TEXT NOT NULL,
	logo_url TEXT NOT NULL DEFAULT '',
	invoice_header TEXT NOT NULL DEFAULT '',
	address TEXT NOT NULL DEFAULT '',
	contact TEXT NOT NULL DEFAULT '',
	owner_id INTEGER NOT NULL, -- the owning member's user id; members.role says the same
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);

CREATE TABLE members (
	enterprise_id INTEGER NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,
	user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	name_in_enterprise TEXT NOT NULL,
	role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
	status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
	joined_at INTEGER NOT NULL,
	PRIMARY KEY (enterprise_id, user_id)
);
CREATE INDEX members_user ON members (user_id, enterprise_id);

-- Only so an administrator's scope can name departments; the department tree comes later.
CREATE TABLE departments (
	id INTEGER PRIMARY KEY,
	enterprise_id INTEGER NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,
	name TEXT NOT NULL,
	parent_id INTEGER REFERENCES departments (id),
	sort INTEGER NOT NULL DEFAULT 0,
	UNIQUE (enterprise_id, id)
);

-- rights: bitmask of members 1, departments 2, apps 4, attendance 8, approvals 16, privacy 32.
CREATE TABLE admin_rights (
	enterprise_id INTEGER NOT NULL,
	user_id INTEGER NOT NULL,
	rights INTEGER NOT NULL,
	scope TEXT NOT NULL CHECK (scope IN ('all', 'departments')),
	PRIMARY KEY (enterprise_id, user_id),
	FOREIGN KEY (enterprise_id, user_id) REFERENCES members (enterprise_id, user_id) ON DELETE CASCADE
);

-- A department of another enterprise cannot be named: the key includes the enterprise.
CREATE TABLE admin_scope_departments (
	enterprise_id INTEGER NOT NULL,
	user_id INTEGER NOT NULL,
	department_id INTEGER NOT NULL,
	PRIMARY KEY (enterprise_id, user_id, department_id),
	FOREIGN KEY (enterprise_id, user_id) REFERENCES admin_rights (enterprise_id, user_id) ON DELETE CASCADE,
	FOREIGN KEY (enterprise_id, department_id) REFERENCES departments (enterprise_id, id) ON DELETE CASCADE
);
