-- Full-text search over messages (issue 5): an inverted index of character pairs.  For each text
-- message, each character that is not white space gives one row: that character and the one after
-- it (just the character at the end of the text), after ASCII letters are lowered.  So every
-- substring of two or more characters is found through its pairs, Chinese inside words included
-- (考勤 in 今天考勤打卡了吗), and a single character through the pairs it starts; the search then
-- checks each candidate's text (src/apps/im/search.c).  Keyed by conversation first: a member
-- searches only the conversations they are in, each a range of this table.
--
-- The rows are a copy of message content, and go with it: search.c removes them when a message
-- is recalled (im_search_forget), and the triggers below whenever a message's text is replaced or
-- its row deleted, by any path (retention, a leaver's messages, a conversation or an enterprise
-- deleted), in any connection, the sqlite3 tool included.  secure_delete overwrites them.
CREATE TABLE im_search_grams (
	conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
	gram TEXT NOT NULL,  -- one character and the next, ASCII letters lowered
	seq INTEGER NOT NULL,
	PRIMARY KEY (conversation_id, gram, seq)
) WITHOUT ROWID;

-- Character positions 1 … 5000 (the longest text a message may have), so that SQL can take a text
-- apart pair by pair: the triggers find exactly the rows a text gave, without reading the index.
CREATE TABLE im_search_positions (i INTEGER PRIMARY KEY);
INSERT INTO im_search_positions (i)
	WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000) SELECT i FROM n;

-- The rows a message's text gave are those of the pairs of its text.  (Pairs that begin with
-- white space were never stored; deleting them finds nothing.)
CREATE TRIGGER im_search_message_deleted AFTER DELETE ON messages
WHEN json_valid(old.body) AND json_type(old.body, '$.text') = 'text'
BEGIN
	DELETE FROM im_search_grams WHERE conversation_id = old.conversation_id AND seq = old.seq AND gram IN
		(SELECT substr(t.text, p.i, 2) FROM (SELECT lower(json_extract(old.body, '$.text')) AS text) t
		 JOIN im_search_positions p ON p.i <= length(t.text));
END;

CREATE TRIGGER im_search_message_replaced AFTER UPDATE OF body ON messages
WHEN json_valid(old.body) AND json_type(old.body, '$.text') = 'text' AND new.body IS NOT old.body
BEGIN
	DELETE FROM im_search_grams WHERE conversation_id = old.conversation_id AND seq = old.seq AND gram IN
		(SELECT substr(t.text, p.i, 2) FROM (SELECT lower(json_extract(old.body, '$.text')) AS text) t
		 JOIN im_search_positions p ON p.i <= length(t.text));
END;
