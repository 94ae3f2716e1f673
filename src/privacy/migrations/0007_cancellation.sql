-- Account cancellation: a cooling-off period, then erasure; and the receipts erasure leaves.
CREATE TABLE cancellations (
	user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
	requested_at INTEGER NOT NULL,
	due_at INTEGER NOT NULL,
	receipt_hash BLOB NOT NULL              -- hash of the token that will fetch the receipt
);
CREATE INDEX cancellations_due ON cancellations (due_at);

-- What erasure did, per category; no personal data, found only by its token's hash.
CREATE TABLE deletion_receipts (
	id INTEGER PRIMARY KEY,
	token_hash BLOB NOT NULL UNIQUE,
	erased_at INTEGER NOT NULL,
	receipt TEXT NOT NULL,
	signature BLOB NOT NULL
);
