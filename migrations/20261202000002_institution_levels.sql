-- Designated institutions carry their level (一级 / 二级 / 三级), which the settlement rules of issue 9
-- read, and the Zhengzhou region they are in. Institutions registered before this change are taken
-- as level-1 institutions of 金水区 until the hall corrects them; new ones always name both.
ALTER TABLE institutions
    ADD COLUMN level smallint NOT NULL DEFAULT 1 CONSTRAINT institutions_level_known CHECK (level BETWEEN 1 AND 3),
    ADD COLUMN region_code text NOT NULL DEFAULT '410105';
ALTER TABLE institutions ALTER COLUMN level DROP DEFAULT, ALTER COLUMN region_code DROP DEFAULT;
