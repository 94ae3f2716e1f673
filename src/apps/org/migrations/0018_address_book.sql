-- The address book (issue 4): each member's name as the pinyin keys a search box is matched
-- against (core/pinyin.h: 张三 -> 'zhangsan', 'zs').  Every write of name_in_enterprise keeps them
-- (member_search_keys_update in address_book.c); rows written before this migration, whose keys
-- are still '', are filled by the server when it starts.
ALTER TABLE members ADD COLUMN name_pinyin TEXT NOT NULL DEFAULT '';
ALTER TABLE members ADD COLUMN name_initials TEXT NOT NULL DEFAULT '';
-- Browsing reads a level in this order; a search reads every member of the enterprise from the
-- index alone, never the table.
CREATE INDEX members_address_book ON members (enterprise_id, name_pinyin, name_in_enterprise, user_id, name_initials, status);
-- The people of a department from the index alone: counting a branch reads only that branch.
CREATE INDEX member_departments_people ON member_departments (enterprise_id, department_id, user_id);
