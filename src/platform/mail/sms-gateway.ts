import { DeliveryError, type Transport } from './transports.ts';

const TIMEOUT_MS = 10_000;

/**
 * Text messages through an HTTP SMS gateway: `POST url` with `{ to, text, reference }` as JSON and the token as a
 * bearer credential. `reference` (also the Idempotency-Key header) is the outbox id, so a gateway can drop the
 * duplicate when a timed-out attempt had in fact gone through and the queue sends it again.
 */
export function smsGatewayTransport(options: { url: string; token: string; timeoutMs?: number }): Transport {
  return {
    name: 'sms-gateway',
    async deliver({ id, recipient, body }) {
      let response: Response;
      try {
        response = await fetch(options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${options.token}`, 'idempotency-key': id },
          body: JSON.stringify({ to: recipient, text: body, reference: id }),
          signal: AbortSignal.timeout(options.timeoutMs ?? TIMEOUT_MS),
          redirect: 'error',
        });
      } catch (error) {
        const timedOut = error instanceof Error && error.name === 'TimeoutError';
        throw new DeliveryError(timedOut ? 'SMS gateway timed out' : `SMS gateway unreachable: ${error instanceof Error ? error.message : 'error'}`, false);
      }
      await response.body?.cancel();
      if (response.ok) return;
      // 4xx other than throttling and credentials: the gateway refuses this message (bad number, blocked content).
      const permanent = response.status >= 400 && response.status < 500 && ![401, 403, 408, 429].includes(response.status);
      throw new DeliveryError(`SMS gateway answered ${response.status}`, permanent);
    },
  };
}
