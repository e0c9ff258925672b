// Customer portal: copy buttons (the referral link) — CSP forbids inline handlers.
document.querySelectorAll('[data-copy]').forEach(button => {
  button.addEventListener('click', async () => {
    const text = button.getAttribute('data-copy');
    const done = button.getAttribute('data-copied') || 'Copied';
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      const field = document.getElementById(button.getAttribute('aria-controls') || '');
      if (field && field.select) { field.select(); document.execCommand('copy'); }
    }
    const status = document.getElementById('copy-status');
    if (status) status.textContent = done;
  });
});
