-- Aborts the statement it is evaluated in, with SQLSTATE MC001 and `code` as message, unless
-- `ok`. A set-based statement that must be all or nothing (the ledger writer's batch) calls it
-- over its result, so a batch that moved only part of its rows undoes itself whatever the
-- caller does with its transaction.
CREATE FUNCTION medcard_require(ok boolean, code text) RETURNS boolean
    LANGUAGE plpgsql AS $$
BEGIN
    IF NOT ok THEN
        RAISE EXCEPTION USING ERRCODE = 'MC001', MESSAGE = code;
    END IF;
    RETURN true;
END
$$;
