-- The fair baseline of POST /api/v1/purchases (issue 20): the SQL work of one recorded purchase as the app does it, with
-- nothing of the app's own (no HTTP, no EF, no C#). Connected as the app's role (smartbis_app: row-level security forced),
-- the tenant set first in the transaction with the app's procedure, time-ordered (v7) keys like Guid.CreateVersion7(), the
-- same statements in the same round trips (pipelines where the app sends a batch), random members of the large tenant:
--   1. the tenant and the transaction's lock bound (the app sends them with its first query);
--   2. the customer with their account row locked and the receipt check (RecordPurchase.FindAndLockAsync);
--   3. one batch: the purchase, its ledger entry, its credit lot, the account's balance, two events (cashback.earned,
--      purchase.recorded), and the idempotency key with its stored response (the app's first attempt claims the key in
--      its last batch: LedgerUnit.RunOnceAsync);
--   4. commit.
-- What the app reads from its configuration cache (store, tenant, rules, plan, API key) is not read here.
-- pgbench -M prepared -U smartbis_app -D t=<tenant id> -D s=<store id> -D members=<count>
\set n random(1, :members)
\set amount random(1000, 50000)
\set earned (:amount * 5 + 50) / 100
-- The idempotency key and receipt number from two random numbers (pgbench cannot \gset inside a pipeline).
\set r1 random(1, 1000000000000000)
\set r2 random(1, 1000000000000000)
BEGIN;
\startpipeline
CALL public.smartbis_set_context(:t::uuid, false);
SET LOCAL lock_timeout = 10000;
\endpipeline
SELECT c.id AS cid, c.status, c.in_control_group, c.referred_by_customer_id, a.pending_cents, a.available_cents,
       EXISTS (SELECT 1 FROM purchases p WHERE p.tenant_id = :t::uuid AND p.store_id = :s::uuid AND p.receipt_number = 'PGB' || :r1 || '-' || :r2) AS repeated,
       bench.uuid_v7() AS pid, bench.uuid_v7() AS lid
FROM (SELECT * FROM accounts WHERE tenant_id = :t::uuid AND customer_id = (SELECT id FROM bench.members WHERE tenant_id = :t::uuid AND n = :n) FOR UPDATE) a
JOIN customers c ON c.tenant_id = a.tenant_id AND c.id = a.customer_id
WHERE a.tenant_id = :t::uuid \gset
\startpipeline
INSERT INTO purchases (tenant_id, id, store_id, customer_id, receipt_number, amount_cents, paid_with_cashback_cents, paid_with_voucher_cents,
                       eligible_cents, earned_cents, rule_version, rate_bps, occurred_at, created_at, source, refunded_cents,
                       reversed_earn_cents, returned_credit_cents)
VALUES (:t::uuid, :pid::uuid, :s::uuid, :cid::uuid, 'PGB' || :r1 || '-' || :r2, :amount::bigint, 0, 0, :amount::bigint, :earned::bigint, 1, 500, now(), now(), 'api', 0, 0, 0);
INSERT INTO ledger_entries (tenant_id, id, customer_id, kind, pending_delta_cents, available_delta_cents, clawback_delta_cents, voucher_delta_cents,
                            reason, rule_version, rate_bps, purchase_id, lot_id, lot_expires_at, text, text_values, created_at)
VALUES (:t::uuid, bench.uuid_v7(), :cid::uuid, 'Earn', :earned::bigint, 0, 0, 0, '5% cashback on your purchase at Loja 01', 1, 500, :pid::uuid,
        :lid::uuid, now() + interval '97 days', 'earn', '{"rate": 500, "store": "Loja 01"}'::jsonb, now());
INSERT INTO credit_lots (tenant_id, id, customer_id, kind, amount_cents, remaining_cents, status, created_at, available_at, expires_at, purchase_id)
VALUES (:t::uuid, :lid::uuid, :cid::uuid, 'Earn', :earned::bigint, :earned::bigint, 'Pending', now(), now() + interval '7 days', now() + interval '97 days', :pid::uuid);
UPDATE accounts SET pending_cents = pending_cents + :earned::bigint, updated_at = now() WHERE tenant_id = :t::uuid AND customer_id = :cid::uuid;
INSERT INTO outbox_events (tenant_id, id, type, customer_id, subject_id, payload, created_at)
VALUES (:t::uuid, bench.uuid_v7(), 'cashback.earned', :cid::uuid, :pid::uuid,
        jsonb_build_object('purchaseId', :pid::uuid, 'amountCents', :earned::bigint, 'pending', true, 'storeId', :s::uuid,
                           'availableAt', now() + interval '7 days', 'expiresAt', now() + interval '97 days'), now());
INSERT INTO outbox_events (tenant_id, id, type, customer_id, subject_id, payload, created_at)
VALUES (:t::uuid, bench.uuid_v7(), 'purchase.recorded', :cid::uuid, :pid::uuid,
        jsonb_build_object('purchaseId', :pid::uuid, 'storeId', :s::uuid, 'amountCents', :amount::bigint, 'earnedCents', :earned::bigint,
                           'receiptNumber', 'PGB' || :r1 || '-' || :r2, 'occurredAt', now()), now());
INSERT INTO idempotency_records (tenant_id, key, operation, request_hash, status_code, created_at, response)
VALUES (:t::uuid, 'api:' || md5(:r1 || '-' || :r2) || md5(:r2 || '-' || :r1), 'record_purchase', upper(md5(:r1 || '+' || :r2) || md5(:r2 || '+' || :r1)), 201, now(),
       jsonb_build_object('purchaseId', :pid::uuid, 'customerId', :cid::uuid, 'customerUnclaimed', false, 'receiptNumber', 'PGB' || :r1 || '-' || :r2,
                                     'occurredAt', now(), 'amountCents', :amount::bigint, 'paidWithCashbackCents', 0, 'paidWithVoucherCents', 0,
                                     'paidWithMoneyCents', :amount::bigint, 'eligibleCents', :amount::bigint, 'earnedCents', :earned::bigint,
                                     'clawbackOffsetCents', 0, 'ruleVersion', 1, 'rateBps', 500, 'availableAt', now() + interval '7 days',
                                     'expiresAt', now() + interval '97 days', 'createdAt', now(),
                                     'balances', jsonb_build_object('pendingCents', :pending_cents::bigint + :earned::bigint,
                                                                    'availableCents', :available_cents::bigint, 'clawbackCents', 0, 'voucherCents', 0)));
\endpipeline
END;
