// Passkeys in the browser: turns the server's WebAuthn options into navigator.credentials calls and sends the
// result back as JSON. Pages work without it (password sign-in); the passkey buttons stay hidden then.
const b64u = {
  enc: (buf) => btoa(String.fromCharCode(...new Uint8Array(buf))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''),
  dec: (s) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((s.length + 3) % 4)), (c) => c.charCodeAt(0)),
};

async function post(url, body) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body ?? {}) });
  const json = await response.json();
  if (!response.ok) throw new Error(json.detail || 'failed');
  return json;
}

function toJSON(credential) {
  const r = credential.response;
  const out = { id: credential.id, rawId: b64u.enc(credential.rawId), type: credential.type, clientExtensionResults: credential.getClientExtensionResults(), response: { clientDataJSON: b64u.enc(r.clientDataJSON) } };
  if (credential.authenticatorAttachment) out.authenticatorAttachment = credential.authenticatorAttachment;
  if (r.attestationObject) {
    out.response.attestationObject = b64u.enc(r.attestationObject);
    out.response.transports = r.getTransports ? r.getTransports() : [];
  } else {
    out.response.authenticatorData = b64u.enc(r.authenticatorData);
    out.response.signature = b64u.enc(r.signature);
    if (r.userHandle) out.response.userHandle = b64u.enc(r.userHandle);
  }
  return out;
}

const ids = (list) => (list || []).map((c) => ({ ...c, id: b64u.dec(c.id) }));

for (const button of document.querySelectorAll('[data-passkey]')) {
  if (!window.PublicKeyCredential) continue;
  button.hidden = false;
  const status = document.querySelector('[data-passkey-status]');
  button.addEventListener('click', async () => {
    try {
      if (button.dataset.passkey === 'add') {
        const options = await post('/account/passkeys/options');
        const credential = await navigator.credentials.create({ publicKey: { ...options, challenge: b64u.dec(options.challenge), user: { ...options.user, id: b64u.dec(options.user.id) }, excludeCredentials: ids(options.excludeCredentials) } });
        await post('/account/passkeys', { response: toJSON(credential) });
        location.assign('/account/passkeys?added=1');
      } else {
        const options = await post('/account/passkey-sign-in/options');
        const credential = await navigator.credentials.get({ publicKey: { ...options, challenge: b64u.dec(options.challenge), allowCredentials: ids(options.allowCredentials) } });
        const result = await post('/account/passkey-sign-in', { response: toJSON(credential), return: button.dataset.return || '/account' });
        location.assign(result.redirect);
      }
    } catch {
      if (status) status.textContent = button.dataset.error;
    }
  });
}
