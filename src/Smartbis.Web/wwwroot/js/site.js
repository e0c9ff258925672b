// Language pickers submit on change (CSP forbids inline handlers).
document.querySelectorAll('[data-autosubmit]').forEach(el =>
  el.addEventListener('change', () => el.form && el.form.submit()));
