-- What a person's year has used of the settlement rules: the deductible per visit type and the
-- pooled fund paid (against the annual cap). Pre-settlement reads it; settlement and reversal
-- (issue 9) write it in their own transaction, on the locked row.
CREATE TABLE settlement_accumulators (
    person_no        text NOT NULL REFERENCES persons (person_no),
    year             integer NOT NULL,
    med_type         text NOT NULL CHECK (med_type IN ('11', '14', '21', '41')),
    deductible_used  bigint NOT NULL DEFAULT 0 CHECK (deductible_used >= 0),
    fund_paid        bigint NOT NULL DEFAULT 0 CHECK (fund_paid >= 0),
    PRIMARY KEY (person_no, year, med_type)
);
