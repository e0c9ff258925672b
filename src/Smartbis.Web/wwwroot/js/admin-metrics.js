// Operator metrics charts (Chart.js from npm) fed by the page's JSON data block, like the dashboard overview.
(function () {
  const block = document.getElementById('metrics-data');
  if (!block || !window.Chart) return;
  const d = JSON.parse(block.textContent);
  const t = block.dataset;
  const base = {
    responsive: true, maintainAspectRatio: false, animation: false,
    interaction: { mode: 'index', intersect: false },
    plugins: { legend: { position: 'bottom' } },
    scales: { x: { ticks: { maxTicksLimit: 10 } }, y: { beginAtZero: true, ticks: { precision: 0 } } },
  };
  function chart(id, config) {
    const el = document.getElementById(id);
    if (!el) return;
    el.parentElement.style.height = '260px';
    new Chart(el, config);
  }
  chart('chart-plans', {
    type: 'bar',
    data: { labels: d.plans, datasets: [
      { label: t.active, data: d.planActive, backgroundColor: 'rgba(25,135,84,.6)', stack: 's' },
      { label: t.suspended, data: d.planSuspended, backgroundColor: 'rgba(220,53,69,.6)', stack: 's' },
    ] },
    options: { ...base, scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } },
  });
  chart('chart-purchases', {
    type: 'bar',
    data: { labels: d.labels, datasets: [{ label: t.purchases, data: d.purchases, backgroundColor: 'rgba(13,110,253,.5)' }] },
    options: base,
  });
  chart('chart-members', {
    type: 'line',
    data: { labels: d.labels, datasets: [{ label: t.members, data: d.members, borderColor: '#fd7e14', backgroundColor: 'rgba(253,126,20,.15)', fill: true, pointRadius: 0 }] },
    options: base,
  });
  chart('chart-messages', {
    type: 'line',
    data: { labels: d.labels, datasets: [
      { label: t.sent, data: d.sent, borderColor: '#198754', pointRadius: 0 },
      { label: t.failed, data: d.failed, borderColor: '#dc3545', pointRadius: 0 },
    ] },
    options: base,
  });
})();
