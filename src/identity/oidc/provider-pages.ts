const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The provider's own error page (unknown client, unregistered redirect URI, malformed request): shown outside
 * Fastify's layout, so kept minimal; the OAuth error code and description only, escaped, never internals.
 */
export async function renderProviderError(ctx: { type: string; body: unknown }, out: { error: string; error_description?: string }): Promise<void> {
  const detail = `${out.error}: ${out.error_description ?? ''}`;
  ctx.type = 'html';
  ctx.body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Sign-in could not continue – smartgov</title><link rel="stylesheet" href="/assets/site.css"></head><body><main id="main"><h1>Sign-in could not continue</h1><p>${escape(detail)}</p><p>Go back to the service and try again. 無法繼續登入，請返回該服務再試。</p><p><a href="/">smartgov</a></p></main></body></html>`;
}
