// The portal as an installable app: registers the merchant's service worker (/{tenant}/sw.js keeps the last balance
// page for offline use), drops that kept page once signed out, and says so when the page shown is the offline copy.
(function () {
  const me = document.currentScript;
  if (!me || !me.dataset.slug) return;
  const scope = '/' + me.dataset.slug + '/';
  if (me.dataset.signedIn !== 'true' && 'caches' in window) caches.delete('smartbis-portal' + scope);
  if ('serviceWorker' in navigator) navigator.serviceWorker.register(scope + 'sw.js', { scope: scope }).catch(function () { });
  const note = document.querySelector('[data-offline-note]');
  const show = function () { if (note) note.classList.toggle('d-none', navigator.onLine); };
  window.addEventListener('online', show);
  window.addEventListener('offline', show);
  show();
})();
