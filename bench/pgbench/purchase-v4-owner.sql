-- The first baseline (issue 9), kept for comparison: the purchase transaction of purchase.sql, but with random (v4)
-- UUIDs and as the database owner (a superuser: row-level security not applied). Random members of the large tenant.
-- pgbench -M prepared -D t=<tenant id> -D s=<store id> -D members=<count>
\set n random(1, :members)
\set amount random(1000, 50000)
\set earned (:amount * 5 + 50) / 100
BEGIN;
INSERT INTO purchases (tenant_id, id, store_id, customer_id, receipt_number, amount_cents, paid_with_cashback_cents, paid_with_voucher_cents,
                       eligible_cents, earned_cents, rule_version, rate_bps, occurred_at, created_at, source, refunded_cents,
                       reversed_earn_cents, returned_credit_cents)
SELECT m.tenant_id, gen_random_uuid(), :s::uuid, m.id, 'PGB' || gen_random_uuid(), :amount::bigint, 0, 0, :amount::bigint, :earned::bigint, 1, 500, now(), now(), 'api', 0, 0, 0
FROM bench.members m WHERE m.tenant_id = :t::uuid AND m.n = :n
RETURNING id AS pid, customer_id AS cid \gset
INSERT INTO ledger_entries (tenant_id, id, customer_id, kind, pending_delta_cents, available_delta_cents, clawback_delta_cents, voucher_delta_cents,
                            reason, rule_version, rate_bps, purchase_id, created_at)
VALUES (:t::uuid, gen_random_uuid(), :cid::uuid, 'Earn', :earned::bigint, 0, 0, 0, '5% cashback on your purchase at Loja 01', 1, 500, :pid::uuid, now());
UPDATE accounts SET pending_cents = pending_cents + :earned::bigint, updated_at = now() WHERE tenant_id = :t::uuid AND customer_id = :cid::uuid;
INSERT INTO outbox_events (tenant_id, id, type, customer_id, subject_id, payload, created_at)
VALUES (:t::uuid, gen_random_uuid(), 'cashback.earned', :cid::uuid, :pid::uuid,
        jsonb_build_object('purchaseId', :pid::uuid, 'amountCents', :earned::bigint), now());
END;
