// Onboarding: draws the join page QR code (qrcode-generator from npm), copy link, download the QR as PNG.
(function () {
  const holder = document.getElementById('join-qr');
  if (holder && window.qrcode) {
    const qr = window.qrcode(0, 'M');
    qr.addData(holder.dataset.url);
    qr.make();
    const cells = qr.getModuleCount(), scale = 5, margin = 4 * scale, size = cells * scale + 2 * margin;
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = size;
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, size, size);
    ctx.fillStyle = '#000';
    for (let r = 0; r < cells; r++)
      for (let c = 0; c < cells; c++)
        if (qr.isDark(r, c)) ctx.fillRect(margin + c * scale, margin + r * scale, scale, scale);
    holder.appendChild(canvas);
    const download = document.getElementById('download-qr');
    if (download) download.href = canvas.toDataURL('image/png');
  }
  const copy = document.getElementById('copy-join-url');
  if (copy) copy.addEventListener('click', () => {
    const input = document.getElementById('join-url');
    input.select();
    (navigator.clipboard ? navigator.clipboard.writeText(input.value) : Promise.reject()).catch(() => document.execCommand('copy'));
    copy.textContent = copy.dataset.copied;
  });
})();
