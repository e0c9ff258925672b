-- The first fair baseline of POST /api/v1/purchases (issue 20, fourth round), kept for comparison: the purchase's four
-- writes only (purchase, ledger entry, account balance, one outbox row), as the app's role with the tenant set and
-- time-ordered (v7) keys, but without the rest of the app's SQL work for a purchase (its reads and lock, the idempotency
-- record, the credit lot, the second event): bench/pgbench/purchase.sql does all of it.
-- pgbench -M prepared -U smartbis_app -D t=<tenant id> -D s=<store id> -D members=<count>
\set n random(1, :members)
\set amount random(1000, 50000)
\set earned (:amount * 5 + 50) / 100
BEGIN;
CALL public.smartbis_set_context(:t::uuid, false);
INSERT INTO purchases (tenant_id, id, store_id, customer_id, receipt_number, amount_cents, paid_with_cashback_cents, paid_with_voucher_cents,
                       eligible_cents, earned_cents, rule_version, rate_bps, occurred_at, created_at, source, refunded_cents,
                       reversed_earn_cents, returned_credit_cents)
SELECT m.tenant_id, bench.uuid_v7(), :s::uuid, m.id, 'PGB' || bench.uuid_v7(), :amount::bigint, 0, 0, :amount::bigint, :earned::bigint, 1, 500, now(), now(), 'api', 0, 0, 0
FROM bench.members m WHERE m.tenant_id = :t::uuid AND m.n = :n
RETURNING id AS pid, customer_id AS cid \gset
INSERT INTO ledger_entries (tenant_id, id, customer_id, kind, pending_delta_cents, available_delta_cents, clawback_delta_cents, voucher_delta_cents,
                            reason, rule_version, rate_bps, purchase_id, created_at)
VALUES (:t::uuid, bench.uuid_v7(), :cid::uuid, 'Earn', :earned::bigint, 0, 0, 0, '5% cashback on your purchase at Loja 01', 1, 500, :pid::uuid, now());
UPDATE accounts SET pending_cents = pending_cents + :earned::bigint, updated_at = now() WHERE tenant_id = :t::uuid AND customer_id = :cid::uuid;
INSERT INTO outbox_events (tenant_id, id, type, customer_id, subject_id, payload, created_at)
VALUES (:t::uuid, bench.uuid_v7(), 'cashback.earned', :cid::uuid, :pid::uuid,
        jsonb_build_object('purchaseId', :pid::uuid, 'amountCents', :earned::bigint), now());
END;
