-- Card-password checks in flight are counted apart from wrong ones. A check reserves a slot
-- (confirmed failures + checks in flight stay under the limit), so concurrent wrong guesses
-- still evaluate at most the limit; a right password then clears the failures and a wrong one
-- adds one, each giving its slot back. Correct checks beyond the free slots wait for one
-- instead of being told the card is locked. A slot older than a minute (a crashed check) no
-- longer counts.
ALTER TABLE cards
    ADD COLUMN password_checks_in_flight integer NOT NULL DEFAULT 0 CHECK (password_checks_in_flight >= 0),
    ADD COLUMN password_checks_since     timestamptz;
