// Tiers page: members per level over time (Chart.js), fed by the page's JSON data block.
(function () {
  const block = document.getElementById('tiers-data');
  const el = document.getElementById('chart-tiers');
  if (!block || !el || !window.Chart) return;
  const d = JSON.parse(block.textContent);
  const colors = ['#b08d57', '#8e9aa6', '#d4a017', '#6f42c1', '#0d6efd', '#198754'];
  el.parentElement.style.height = '260px';
  new Chart(el, {
    type: 'line',
    data: {
      labels: d.labels,
      datasets: (d.series || []).map((s, i) => ({
        label: s.name, data: s.data, borderColor: colors[i % colors.length], backgroundColor: colors[i % colors.length] + '33',
        fill: true, cubicInterpolationMode: 'monotone', pointRadius: d.labels.length < 3 ? 3 : 0,
      })),
    },
    options: {
      responsive: true, maintainAspectRatio: false, animation: false,
      interaction: { mode: 'index', intersect: false },
      plugins: { legend: { position: 'bottom' } },
      scales: { x: { ticks: { maxTicksLimit: 8 } }, y: { beginAtZero: true, stacked: true } },
    },
  });
})();
