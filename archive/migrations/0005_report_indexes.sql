-- Indexes for the semester report (report/, archive/report.go). The polling
-- coverage walks each account's successful polls in time order over a period: with
-- this covering index it reads one range of the index per account, in order, with
-- no table lookups and no sort.
CREATE INDEX fetch_log_coverage ON fetch_log(account_id, finished_at, result);
