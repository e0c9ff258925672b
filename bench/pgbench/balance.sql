-- The reads behind GET /api/v1/customers/{id}: the customer, the account's balances, the 50 latest vouchers. As the app
-- reads them (issue 20's fair baseline): as its role (smartbis_app, row-level security forced), the tenant set first in
-- the transaction with the app's own procedure.
-- pgbench -M prepared -U smartbis_app -D t=<tenant id> -D members=<count>
\set n random(1, :members)
BEGIN;
CALL public.smartbis_set_context(:t::uuid, false);
SELECT c.id, c.name, c.phone, c.email, c.card_code, c.status, c.referral_code, c.joined_at
FROM customers c WHERE c.tenant_id = :t::uuid AND c.id = (SELECT id FROM bench.members WHERE tenant_id = :t::uuid AND n = :n);
SELECT a.pending_cents, a.available_cents, a.clawback_cents
FROM accounts a WHERE a.tenant_id = :t::uuid AND a.customer_id = (SELECT id FROM bench.members WHERE tenant_id = :t::uuid AND n = :n);
SELECT v.code, v.value_cents, v.status, v.expires_at
FROM vouchers v WHERE v.tenant_id = :t::uuid AND v.customer_id = (SELECT id FROM bench.members WHERE tenant_id = :t::uuid AND n = :n)
ORDER BY v.issued_at DESC LIMIT 50;
END;
