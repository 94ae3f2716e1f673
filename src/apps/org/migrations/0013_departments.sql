-- The department tree: heads, and members in departments (several, exactly one primary).
-- Every row names the enterprise, and the keys include it, so nothing crosses enterprises.
CREATE INDEX departments_parent ON departments (enterprise_id, parent_id, sort);

CREATE TABLE department_heads (
	enterprise_id INTEGER NOT NULL,
	department_id INTEGER NOT NULL,
	user_id INTEGER NOT NULL,
	PRIMARY KEY (enterprise_id, department_id, user_id),
	FOREIGN KEY (enterprise_id, department_id) REFERENCES departments (enterprise_id, id) ON DELETE CASCADE,
	FOREIGN KEY (enterprise_id, user_id) REFERENCES members (enterprise_id, user_id) ON DELETE CASCADE
);
CREATE INDEX department_heads_user ON department_heads (enterprise_id, user_id);

CREATE TABLE member_departments (
	enterprise_id INTEGER NOT NULL,
	user_id INTEGER NOT NULL,
	department_id INTEGER NOT NULL,
	is_primary INTEGER NOT NULL DEFAULT 0 CHECK (is_primary IN (0, 1)),
	PRIMARY KEY (enterprise_id, user_id, department_id),
	FOREIGN KEY (enterprise_id, user_id) REFERENCES members (enterprise_id, user_id) ON DELETE CASCADE,
	FOREIGN KEY (enterprise_id, department_id) REFERENCES departments (enterprise_id, id)
);
-- One primary department per member of an enterprise.
CREATE UNIQUE INDEX member_departments_primary ON member_departments (enterprise_id, user_id) WHERE is_primary = 1;
CREATE INDEX member_departments_department ON member_departments (enterprise_id, department_id);
