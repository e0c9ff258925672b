// Program settings: the live example recomputes as the rules are typed (same half-up rounding as the ledger).
(function () {
  const form = document.getElementById('rules-form');
  const out = document.getElementById('live-example');
  if (!form || !out) return;
  const t = out.dataset;
  const money = new Intl.NumberFormat(t.locale, { style: 'currency', currency: t.currency });
  const dates = new Intl.DateTimeFormat(t.locale, { dateStyle: 'long' });
  const val = name => (form.querySelector(`[name="Input.${name}"]`) || {}).value || '';
  // "1.234,56" (pt-BR) or "1,234.56" (en) → cents; null when not a number.
  function cents(text) {
    text = String(text).replace(/[^\d.,-]/g, '');
    if (!text) return null;
    const decimal = t.locale.startsWith('pt') ? ',' : '.';
    const other = decimal === ',' ? '.' : ',';
    text = text.split(other).join('').replace(decimal, '.');
    const n = Number(text);
    return isFinite(n) && n >= 0 ? Math.round(n * 100) : null;
  }
  function bps(text) {
    const n = Number(String(text).replace('%', '').trim().replace(',', '.'));
    return isFinite(n) && n >= 0 && n <= 100 ? Math.round(n * 100) : null;
  }
  const fill = (template, values) => template.replace(/\{(\w+)\}/g, (_, k) => values[k]);
  // Points programs: whole points per currency unit; the same "best boost sets the rate" rule.
  const points = t.points === 'true';
  const perUnit = text => { const n = Number(String(text).trim()); return Number.isInteger(n) && n >= 0 ? n : null; };
  const rateOf = text => points ? perUnit(text) : bps(text);
  const wholes = new Intl.NumberFormat(t.locale, { maximumFractionDigits: 0 });
  function boostToday(today) {
    let best = null;
    form.querySelectorAll('.boost-row').forEach(row => {
      const rate = rateOf(row.querySelector('.boost-rate').value);
      if (rate === null || row.querySelector('.boost-rate').value.trim() === '') return;
      const start = row.querySelector('.boost-start').value, end = row.querySelector('.boost-end').value;
      const days = [...row.querySelectorAll('.boost-day:checked')].map(c => Number(c.dataset.day));
      if (!start && !end && days.length === 0) return;
      const iso = today.toISOString().slice(0, 10);
      if (start && iso < start) return;
      if (end && iso > end) return;
      if (days.length && !days.includes(today.getDay())) return;
      if (best === null || rate > best) best = rate;
    });
    return best;
  }
  function render() {
    const amount = cents(document.getElementById('example-amount').value) ?? 0;
    const base = (points ? perUnit(val('PointsPerUnit')) : bps(val('EarnRatePercent'))) ?? 0;
    const today = new Date();
    const boost = boostToday(today);
    const rate = boost !== null && boost > base ? boost : base;
    const min = cents(val('MinPurchase')) ?? 0;
    const reward = val('CurrencyName') || t.reward;
    if (amount < min) {
      out.textContent = fill(t.belowMin, { amount: money.format(amount / 100), min: money.format(min / 100) });
      return;
    }
    // Cashback: half-up, as Money.PercentHalfUp; points: whole points, rounded down (as RecordPurchase.Earn).
    let earned = points ? Math.floor(amount * rate / 100) : Math.floor((2 * amount * rate + 10000) / 20000);
    const capText = val('MaxEarnPerPurchase').trim();
    let capped = false;
    if (capText !== '') { const cap = points ? perUnit(capText) : cents(capText); if (cap !== null && earned > cap) { earned = cap; capped = true; } }
    const shown = n => points ? wholes.format(n) : money.format(n / 100);
    const pending = parseInt(val('PendingDays'), 10) || 0;
    const expiry = parseInt(val('ExpiryDays'), 10);
    const available = new Date(today.getTime() + pending * 86400000);
    let text = fill(t.earns, { amount: money.format(amount / 100), earned: shown(earned), reward });
    if (capped) text += ' ' + t.capped;
    if (boost !== null && boost > base) text += ' ' + fill(t.boost, { rate: points ? wholes.format(boost) + ' / ' + money.format(1) : (boost / 100).toLocaleString(t.locale) + '%' });
    text += ', ' + (pending > 0 ? fill(t.availableOn, { date: dates.format(available) }) : t.availableNow);
    text += ' ' + (isFinite(expiry) && expiry > 0 ? fill(t.expires, { date: dates.format(new Date(available.getTime() + expiry * 86400000)) }) : t.never) + '.';
    out.textContent = text;
  }
  form.addEventListener('input', render);
  form.addEventListener('change', render);
  document.getElementById('example-amount').addEventListener('input', render);
  render();
})();
