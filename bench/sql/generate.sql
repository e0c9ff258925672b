-- Merchant-scale data for the benchmark, generated inside PostgreSQL with set-based SQL (no row-by-row inserts).
-- Loaded by bench/run.sh; the functions live in schema "bench" so they never mix with the app's tables.
--
--   bench.customers(tenant, n)                   n members with phone, email, card and referral codes
--   bench.purchases(tenant, customers, from, to) purchases number from..to of that tenant, each with its credit lot and
--                                                its ledger entries (earn; release and expiry when their time has come)
--   bench.finish(tenant)                         the vouchers a threshold program would have issued, and the accounts
--
-- The history is as the jobs would have left it up to `cutoff` (a day ago): what fell due since is left for the
-- nightly-jobs scenario to process, like a real night's work.
-- Skew: a purchase picks its customer as floor(n * u^3) for a uniform u, so the first 1% of members make ~22% of the
-- purchases (weekly buyers) and the median member buys about twice a year; 90% of a member's purchases are in their
-- home store. Dates are uniform over the last 365 days; Tuesdays earn the boosted 10%.

CREATE SCHEMA IF NOT EXISTS bench;

CREATE TABLE IF NOT EXISTS bench.members (
    tenant_id uuid NOT NULL, n int NOT NULL, id uuid NOT NULL, home_store int NOT NULL, PRIMARY KEY (tenant_id, n));
CREATE TABLE IF NOT EXISTS bench.stores (tenant_id uuid NOT NULL, n int NOT NULL, id uuid NOT NULL, name text NOT NULL, PRIMARY KEY (tenant_id, n));
CREATE TABLE IF NOT EXISTS bench.settings (name text PRIMARY KEY, value timestamptz NOT NULL);
INSERT INTO bench.settings VALUES ('cutoff', now() - interval '1 day') ON CONFLICT DO NOTHING;

CREATE OR REPLACE FUNCTION bench.cutoff() RETURNS timestamptz LANGUAGE sql STABLE AS $$ SELECT value FROM bench.settings WHERE name = 'cutoff' $$;

CREATE OR REPLACE FUNCTION bench.customers(t uuid, how_many int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE stores int; prefix text := substr(replace(t::text, '-', ''), 1, 6);
BEGIN
  INSERT INTO bench.stores SELECT t, row_number() OVER (ORDER BY name), id, name FROM stores WHERE tenant_id = t ON CONFLICT DO NOTHING;
  SELECT count(*) INTO stores FROM bench.stores WHERE tenant_id = t;
  INSERT INTO bench.members SELECT t, i, gen_random_uuid(), 1 + (i % stores) FROM generate_series(1, how_many) i;
  INSERT INTO customers (tenant_id, id, name, phone, email, cpf, birth_date, card_code, referral_code, status, created_at, joined_at,
                         email_consent, whats_app_consent, locale)
  SELECT t, m.id, 'Cliente ' || m.n,
         '+55119' || (70000000 + m.n),
         'c' || m.n || '.' || prefix || '@bench.example',
         NULL,
         date '1960-01-01' + (m.n::bigint * 7919 % 15000)::int,
         'K' || lpad(upper(to_hex(m.n)), 7, '0'),
         'R' || lpad(upper(to_hex(m.n)), 7, '0'),
         'Active', j, j, m.n % 10 <> 0, false, NULL
  FROM bench.members m, LATERAL (SELECT now() - interval '400 days' + (m.n::double precision / how_many) * interval '390 days' AS j) d
  WHERE m.tenant_id = t;
END $$;

CREATE OR REPLACE FUNCTION bench.purchases(t uuid, how_many int, p_from bigint, p_to bigint) RETURNS void LANGUAGE plpgsql AS $$
DECLARE stores int; cut timestamptz := bench.cutoff();
BEGIN
  SELECT count(*) INTO stores FROM bench.stores WHERE tenant_id = t;
  CREATE TEMP TABLE g ON COMMIT DROP AS
  SELECT gen_random_uuid() AS id, gen_random_uuid() AS lot_id, j, m.id AS customer_id, s.id AS store_id, s.name AS store_name,
         a.amount, a.at, r.rate, (a.amount * r.rate + 5000) / 10000 AS earned
  FROM generate_series(p_from, p_to) j
  CROSS JOIN LATERAL (SELECT random() AS u1, random() AS u2, random() AS u3, random() AS u4 WHERE j IS NOT NULL) u
  JOIN bench.members m ON m.tenant_id = t AND m.n = 1 + least(how_many - 1, floor(how_many * u.u1 ^ 3)::int)
  JOIN bench.stores s ON s.tenant_id = t AND s.n = CASE WHEN u.u3 < 0.9 THEN m.home_store ELSE 1 + floor(u.u3 * 1000)::int % stores END
  CROSS JOIN LATERAL (SELECT (1000 + floor(u.u4 ^ 2 * 49000))::bigint AS amount, now() - u.u2 * interval '365 days' AS at) a
  CROSS JOIN LATERAL (SELECT CASE WHEN extract(dow FROM a.at AT TIME ZONE 'America/Sao_Paulo') = 2 THEN 1000 ELSE 500 END AS rate) r;

  INSERT INTO purchases (tenant_id, id, store_id, customer_id, receipt_number, amount_cents, paid_with_cashback_cents, paid_with_voucher_cents,
                         eligible_cents, earned_cents, rule_version, rate_bps, occurred_at, created_at, source, refunded_cents,
                         reversed_earn_cents, returned_credit_cents)
  SELECT t, id, store_id, customer_id, 'G' || j, amount, 0, 0, amount, earned, 1, rate, at, at, CASE WHEN j % 3 = 0 THEN 'api' ELSE 'counter' END, 0, 0, 0
  FROM g;

  INSERT INTO credit_lots (tenant_id, id, customer_id, kind, amount_cents, remaining_cents, status, created_at, available_at, expires_at, purchase_id)
  SELECT t, lot_id, customer_id, 'Earn', earned,
         CASE WHEN at + interval '97 days' <= cut THEN 0 ELSE earned END,
         CASE WHEN at + interval '97 days' <= cut THEN 'Expired' WHEN at + interval '7 days' <= cut THEN 'Available' ELSE 'Pending' END,
         at, at + interval '7 days', at + interval '97 days', id
  FROM g;

  INSERT INTO ledger_entries (tenant_id, id, customer_id, kind, pending_delta_cents, available_delta_cents, clawback_delta_cents, voucher_delta_cents,
                              reason, rule_version, rate_bps, purchase_id, lot_id, lot_expires_at, created_at)
  SELECT t, gen_random_uuid(), customer_id, e.kind, e.pending, e.available, 0, 0, e.reason, 1, rate, id, g.lot_id, g.at + interval '97 days', e.at
  FROM g
  CROSS JOIN LATERAL (VALUES
      ('Earn', earned, 0::bigint, rate / 100 || '% cashback on your purchase at ' || store_name, g.at, true),
      ('Release', -earned, earned, 'Cashback from your purchase at ' || store_name || ' is available', g.at + interval '7 days', g.at + interval '7 days' <= cut),
      ('Expire', 0, -earned, 'Cashback credited on ' || to_char(g.at, 'YYYY-MM-DD') || ' expired', g.at + interval '97 days', g.at + interval '97 days' <= cut)
  ) AS e(kind, pending, available, reason, at, happened)
  WHERE e.happened;
  DROP TABLE g;
END $$;

-- A threshold program turns every R$ 20,00 of available cashback into a voucher: do it for the generated history, taking
-- from the lots that expire first, as IssueVouchers does; then write every member's account from their entries.
CREATE OR REPLACE FUNCTION bench.finish(t uuid, threshold bigint) RETURNS void LANGUAGE plpgsql AS $$
DECLARE cut timestamptz := bench.cutoff();
BEGIN
  IF threshold > 0 THEN
    CREATE TEMP TABLE due ON COMMIT DROP AS
    SELECT customer_id, (sum(remaining_cents)::bigint / threshold) AS vouchers
    FROM credit_lots WHERE tenant_id = t AND status = 'Available' GROUP BY customer_id HAVING sum(remaining_cents) >= threshold;
    -- A temp table has no statistics until analysed: without them the UPDATE below was once planned as a nested loop
    -- over every lot and ran for more than 18 minutes at 300k purchases.
    ANALYZE due;

    UPDATE credit_lots l SET remaining_cents = x.left_cents, status = CASE WHEN x.left_cents = 0 THEN 'Spent' ELSE l.status END
    FROM (
      SELECT l.id, d.vouchers * threshold AS take,
             greatest(0, least(l.remaining_cents, sum(l.remaining_cents) OVER w - d.vouchers * threshold)) AS left_cents
      FROM credit_lots l JOIN due d ON d.customer_id = l.customer_id
      WHERE l.tenant_id = t AND l.status = 'Available'
      WINDOW w AS (PARTITION BY l.customer_id ORDER BY l.expires_at, l.available_at, l.id)
    ) x
    WHERE l.tenant_id = t AND l.id = x.id AND x.left_cents <> l.remaining_cents;

    CREATE TEMP TABLE v ON COMMIT DROP AS
    SELECT gen_random_uuid() AS id, d.customer_id, upper(substr(md5(random()::text || d.customer_id::text || i), 1, 12)) AS code,
           cut - (i * interval '1 day') AS at
    FROM due d, generate_series(1, d.vouchers::int) i;
    INSERT INTO vouchers (tenant_id, id, customer_id, code, value_cents, status, issued_at, expires_at)
    SELECT t, id, customer_id, code, threshold, 'Issued', at, at + interval '30 days' FROM v;
    INSERT INTO ledger_entries (tenant_id, id, customer_id, kind, pending_delta_cents, available_delta_cents, clawback_delta_cents, voucher_delta_cents,
                                reason, rule_version, voucher_id, created_at)
    SELECT t, gen_random_uuid(), customer_id, 'VoucherIssue', 0, -threshold, 0, threshold,
           'Voucher ' || code || ' issued from your cashback', 1, id, at
    FROM v;
    DROP TABLE v;
    DROP TABLE due;
  END IF;

  DELETE FROM accounts WHERE tenant_id = t;
  INSERT INTO accounts (tenant_id, customer_id, pending_cents, available_cents, clawback_cents, voucher_cents, updated_at)
  SELECT t, m.id, coalesce(e.p, 0), coalesce(e.a, 0), 0, coalesce(e.v, 0), now()
  FROM bench.members m
  LEFT JOIN (SELECT customer_id, sum(pending_delta_cents) p, sum(available_delta_cents) a, sum(voucher_delta_cents) v
             FROM ledger_entries WHERE tenant_id = t GROUP BY customer_id) e ON e.customer_id = m.id
  WHERE m.tenant_id = t;
END $$;

-- A time-ordered (version 7) UUID, as .NET's Guid.CreateVersion7() makes the app's keys: the Unix time in milliseconds in
-- the first 48 bits, then random bits, with the version and variant bits set (PostgreSQL 15 has no uuidv7()).
CREATE OR REPLACE FUNCTION bench.uuid_v7() RETURNS uuid LANGUAGE sql VOLATILE AS $$
  SELECT encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid())
                                        PLACING substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
                                        FROM 1 FOR 6), 52, 1), 53, 1), 'hex')::uuid
$$;

-- The baselines connect as the app's role (row-level security applies, as to the app): it reads the members list.
GRANT USAGE ON SCHEMA bench TO smartbis_app;
GRANT SELECT ON bench.members TO smartbis_app;
GRANT EXECUTE ON FUNCTION bench.uuid_v7() TO smartbis_app;
