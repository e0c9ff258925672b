// The counter's keyboard shortcuts and small helpers (docs/counter.md lists them). CSP: no inline scripts.
(() => {
  const root = document.getElementById('counter');
  if (!root) return;
  const decimal = root.dataset.decimal || ',';
  const form = document.getElementById('purchase-form');

  // Money typed in the tenant's locale ("1.234,56" in pt-BR) → cents; NaN when it is not money.
  const toCents = text => {
    if (!text || !text.trim()) return 0;
    const group = decimal === ',' ? '.' : ',';
    const clean = text.replace(/[^\d.,]/g, '').split(group).join('').replace(decimal, '.');
    const value = Number(clean);
    return Number.isFinite(value) ? Math.round(value * 100) : NaN;
  };
  const plain = cents => (cents / 100).toFixed(2).replace('.', decimal);

  // The most cashback usable on the amount typed is the server's figure (ProgramRules.MaxCashbackUsableCents, the rule's one
  // owner): asked for the amount typed, remembered per amount, so F4 after the hint (or twice) costs no round trip.
  const maxByAmount = new Map();
  const maxCashback = async () => {
    const url = form?.dataset.maxCashbackUrl;
    const typed = form?.querySelector('[name="Purchase.Amount"]')?.value || '';
    const amount = toCents(typed);
    if (!url || !amount) return { maxCents: 0, plain: plain(0) };
    if (!maxByAmount.has(amount)) {
      maxByAmount.set(amount, fetch(`${url}&amount=${encodeURIComponent(typed)}`, { headers: { Accept: 'application/json' } })
        .then(r => r.ok ? r.json() : Promise.reject(r.status))
        .catch(() => { maxByAmount.delete(amount); return null; }));
    }
    return (await maxByAmount.get(amount)) ?? { maxCents: 0, plain: plain(0) };
  };

  let hintTimer;
  const updateHints = () => {
    if (!form) return;
    const hint = form.querySelector('[data-max-hint]');
    const amount = toCents(form.querySelector('[name="Purchase.Amount"]')?.value || '');
    if (hint) {
      clearTimeout(hintTimer);
      if (!(amount > 0)) hint.textContent = '';
      else hintTimer = setTimeout(async () => {
        const max = await maxCashback();
        hint.textContent = hint.dataset.template.replace('{0}', max.formatted ?? max.plain); // money hints carry the currency
      }, 150);
    }
    // Show the authorization fields as soon as the redemption is large (the server decides anyway).
    const box = form.querySelector('[data-authorize]');
    if (box) {
      // A voucher's value is only known to the server: it asks for authorization when the voucher makes it large.
      const cashback = toCents(form.querySelector('[name="Purchase.PayWithCashback"]')?.value || '') || 0;
      const large = Number(form.dataset.largeRedemption || 0);
      if (large > 0 && cashback > large) box.classList.remove('d-none');
    }
  };

  const fillMax = async () => {
    const field = form?.querySelector('[name="Purchase.PayWithCashback"]');
    if (!field) return;
    const max = await maxCashback();
    field.value = max.plain;
    field.focus();
    field.select();
    updateHints();
  };

  const focus = selector => {
    const el = document.querySelector(selector);
    if (el) { el.focus(); el.select?.(); }
    return !!el;
  };

  const follow = shortcut => {
    const link = document.querySelector(`[data-shortcut="${shortcut}"]`);
    if (link) { link.click(); return true; }
    return false;
  };

  // After a refused submit, the cursor goes to the first field with an error (the server marks it).
  const invalid = document.querySelector('#counter .input-validation-error');
  if (invalid) { invalid.focus(); invalid.select?.(); }

  if (form) {
    form.addEventListener('input', updateHints);
    form.querySelector('[data-fill-max]')?.addEventListener('click', fillMax);
    // A second click while the first submit travels would only resend the same idempotency key; disable it anyway.
    form.addEventListener('submit', event => {
      if (form.dataset.submitting) { event.preventDefault(); return; }
      form.dataset.submitting = '1';
      setTimeout(() => { delete form.dataset.submitting; }, 8000);
    });
    updateHints();
  }
  document.querySelectorAll('form:not(#purchase-form) [data-once]').forEach(button =>
    button.form.addEventListener('submit', event => {
      if (button.form.dataset.submitting) { event.preventDefault(); return; }
      button.form.dataset.submitting = '1';
    }));

  document.querySelectorAll('[data-use-voucher]').forEach(button => button.addEventListener('click', () => {
    const field = document.querySelector('[name="Purchase.VoucherCode"]');
    if (!field) return;
    field.value = button.dataset.useVoucher;
    field.focus();
    updateHints();
  }));

  document.querySelectorAll('[data-copy]').forEach(button => button.addEventListener('click', async () => {
    const field = document.querySelector(button.dataset.copy);
    if (!field) return;
    field.select();
    try { await navigator.clipboard.writeText(field.value); } catch { document.execCommand?.('copy'); }
    button.classList.add('btn-success');
  }));
  document.querySelectorAll('[data-print]').forEach(button => button.addEventListener('click', () => window.print()));

  document.addEventListener('keydown', event => {
    const typing = /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement?.tagName || '');
    switch (event.key) {
      case 'F2':
        event.preventDefault();
        if (!focus('#q')) window.location.href = '/counter';
        break;
      case 'F4':
        // Cashback: the most the customer can pay with. Points never pay: F4 opens the customer's rewards instead.
        if (root.dataset.rewardsUrl) { event.preventDefault(); window.location.href = root.dataset.rewardsUrl; }
        else if (form) { event.preventDefault(); fillMax(); }
        break;
      case 'F6':
        if (focus('[name="Purchase.VoucherCode"]')) event.preventDefault();
        break;
      case 'F7':
        if (follow('F7')) event.preventDefault();
        break;
      case 'F9':
        if (follow('F9')) event.preventDefault();
        break;
      case 'Escape':
        if (window.location.pathname !== '/counter' || window.location.search) {
          event.preventDefault();
          window.location.href = '/counter';
        }
        break;
      case 'c': case 'C':
        if (!typing && document.querySelector('[data-copy]')) { document.querySelector('[data-copy]').click(); event.preventDefault(); }
        break;
      case 'p': case 'P':
        if (!typing && document.querySelector('[data-print]')) { event.preventDefault(); window.print(); }
        break;
    }
  });
})();
