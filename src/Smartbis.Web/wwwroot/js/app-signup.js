// Sign-up: suggests the slug from the business name (until the user edits it) and checks it live.
(function () {
  const form = document.getElementById('signup-form');
  if (!form) return;
  const name = form.querySelector('[name="Input.BusinessName"]');
  const slug = form.querySelector('[name="Input.Slug"]');
  const status = document.getElementById('slug-status');
  let edited = slug.value.length > 0;
  // Cashback asks for a rate, points for points per currency unit: show the field of the type chosen.
  const rewardType = form.querySelector('[name="Input.RewardType"]');
  function showRewardField() {
    form.querySelectorAll('[data-reward-field]').forEach(f => { f.hidden = f.dataset.rewardField !== rewardType.value; });
  }
  if (rewardType) { rewardType.addEventListener('change', showRewardField); showRewardField(); }
  let timer = null;
  let seq = 0;

  function suggest(text) {
    return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
      .replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40).replace(/-+$/g, '');
  }

  function check() {
    const value = slug.value.trim().toLowerCase();
    if (!value) { status.textContent = ''; return; }
    const mine = ++seq;
    fetch(form.dataset.checkUrl + '&slug=' + encodeURIComponent(value), { headers: { Accept: 'application/json' } })
      .then(r => r.json())
      .then(r => {
        if (mine !== seq) return; // an older answer arriving late
        status.textContent = r.message;
        status.className = 'small ' + (r.ok ? 'text-success' : 'text-danger');
        slug.classList.toggle('is-invalid', !r.ok);
        slug.classList.toggle('is-valid', r.ok);
      })
      .catch(() => { status.textContent = ''; });
  }

  function later() { clearTimeout(timer); timer = setTimeout(check, 250); }

  name.addEventListener('input', () => { if (!edited) { slug.value = suggest(name.value); later(); } });
  slug.addEventListener('input', () => { edited = true; later(); });
  if (slug.value) check();
})();
