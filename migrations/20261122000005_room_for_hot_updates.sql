-- Status, balance and payment-state changes touch no indexed column, so PostgreSQL can update
-- them in place (HOT, no index writes) when the page has room. The monthly jobs update
-- hundreds of thousands of these rows at once; leaving free space in each page makes most of
-- those updates HOT. Applies to pages written from now on.
ALTER TABLE persons SET (fillfactor = 85);
ALTER TABLE accounts SET (fillfactor = 80);
ALTER TABLE contribution_payments SET (fillfactor = 85);
ALTER TABLE cards SET (fillfactor = 85);
