// Overview charts (Chart.js from npm) fed by the page's JSON data block; the custom dates show only for "Custom".
(function () {
  const range = document.getElementById('range');
  function toggleCustom() {
    document.querySelectorAll('.custom-range').forEach(el => el.classList.toggle('d-none', range.value !== 'custom'));
  }
  if (range) { range.addEventListener('change', toggleCustom); toggleCustom(); }

  const block = document.getElementById('overview-data');
  if (!block || !window.Chart) return;
  const d = JSON.parse(block.textContent);
  const t = block.dataset;
  const money = new Intl.NumberFormat(t.locale, { style: 'currency', currency: t.currency, maximumFractionDigits: 0 });
  const base = {
    responsive: true, maintainAspectRatio: false, animation: false,
    interaction: { mode: 'index', intersect: false },
    plugins: { legend: { position: 'bottom' } },
    scales: { x: { ticks: { maxTicksLimit: 8 } } },
  };
  function chart(id, config) {
    const el = document.getElementById(id);
    if (!el) return;
    el.parentElement.style.height = '260px';
    new Chart(el, config);
  }
  // A new tenant has only zeros: Chart.js would then draw 0..1 in steps of 0.1, rounded to "R$ 1, R$ 1, R$ 1, R$ 0".
  // Whole steps only, and an empty chart gets a sensible scale (R$ 0 to R$ 100; 0 to 10 for counts).
  const empty = (...series) => series.every(a => !a || a.every(v => !v));
  const moneyAxis = (...series) => ({ beginAtZero: true, suggestedMax: empty(...series) ? 100 : undefined, ticks: { precision: 0, callback: v => money.format(v) } });
  const countAxis = (...series) => ({ beginAtZero: true, suggestedMax: empty(...series) ? 10 : undefined, ticks: { precision: 0 } });
  chart('chart-cashback', {
    type: 'line',
    data: { labels: d.labels, datasets: [
      { label: t.earned, data: d.earned, borderColor: '#198754', backgroundColor: 'rgba(25,135,84,.15)', fill: true, cubicInterpolationMode: 'monotone', pointRadius: 0 },
      { label: t.redeemed, data: d.redeemed, borderColor: '#0d6efd', backgroundColor: 'rgba(13,110,253,.1)', fill: true, cubicInterpolationMode: 'monotone', pointRadius: 0 },
      { label: t.expired, data: d.expired, borderColor: '#dc3545', cubicInterpolationMode: 'monotone', pointRadius: 0 },
    ] },
    options: { ...base, scales: { ...base.scales, y: moneyAxis(d.earned, d.redeemed, d.expired) } },
  });
  chart('chart-purchases', {
    data: { labels: d.labels, datasets: [
      { type: 'bar', label: t.purchases, data: d.purchases, backgroundColor: 'rgba(13,110,253,.5)', yAxisID: 'y' },
      { type: 'line', label: t.revenue, data: d.revenue, borderColor: '#6f42c1', cubicInterpolationMode: 'monotone', pointRadius: 0, yAxisID: 'y1' },
    ] },
    options: { ...base, scales: { ...base.scales, y: countAxis(d.purchases), y1: { ...moneyAxis(d.revenue), position: 'right', grid: { drawOnChartArea: false } } } },
  });
  chart('chart-members', {
    type: 'line',
    data: { labels: d.labels, datasets: [
      { label: t.members, data: d.members, borderColor: '#fd7e14', backgroundColor: 'rgba(253,126,20,.15)', fill: true, cubicInterpolationMode: 'monotone', pointRadius: 0 },
    ] },
    options: { ...base, scales: { ...base.scales, y: countAxis(d.members) } },
  });
  chart('chart-liability', {
    type: 'line',
    data: { labels: d.labels, datasets: [
      { label: t.liability, data: d.liability, borderColor: '#6c757d', backgroundColor: 'rgba(108,117,125,.15)', fill: true, cubicInterpolationMode: 'monotone', pointRadius: 0 },
    ] },
    options: { ...base, scales: { ...base.scales, y: moneyAxis(d.liability) } },
  });
})();
