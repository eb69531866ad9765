// The slice of oidc-provider's API smartgov uses (the package ships no type declarations).
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export interface AdapterPayload { [key: string]: unknown; grantId?: string; userCode?: string; uid?: string; consumed?: number }
  export interface Adapter {
    upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void>;
    find(id: string): Promise<AdapterPayload | undefined>;
    findByUid(uid: string): Promise<AdapterPayload | undefined>;
    findByUserCode(userCode: string): Promise<AdapterPayload | undefined>;
    consume(id: string): Promise<void>;
    destroy(id: string): Promise<void>;
    revokeByGrantId(grantId: string): Promise<void>;
  }

  export interface ClientLike {
    clientId: string;
    clientName?: string;
    sectorIdentifierUri?: string;
    sectorIdentifier?: string;
    metadata(): Record<string, unknown>;
    [key: string]: unknown;
  }

  export interface OidcSession { accountId?: string; acr?: string; amr?: string[]; loginTs?: number; authTime(): number | undefined }
  export interface OidcContext {
    route?: string;
    params: Record<string, string | undefined>;
    session: OidcSession;
    client: ClientLike;
    result?: { consent?: { grantId?: string }; login?: unknown };
    provider: Provider;
  }
  export interface KoaContext { oidc: OidcContext; cookies: { get(name: string, options?: { signed?: boolean }): string | undefined; set(name: string, value: string | null, options?: Record<string, unknown>): void }; req: IncomingMessage; ip: string; status: number; body: unknown; type: string; set(name: string, value: string): void; remove(name: string): void; accepts(...types: string[]): string | false }

  export interface PromptDetail { name: string; reasons: string[]; details: Record<string, unknown> }
  export interface Interaction {
    uid: string;
    iat: number;
    exp: number;
    prompt: PromptDetail;
    params: Record<string, string | undefined>;
    session?: { accountId: string };
    grantId?: string;
    returnTo: string;
  }

  export class Grant {
    constructor(init: { accountId: string; clientId: string });
    static find(id: string): Promise<Grant | undefined>;
    jti: string;
    accountId: string;
    clientId: string;
    addOIDCScope(scope: string): void;
    addOIDCClaims(claims: string[]): void;
    addResourceScope(resource: string, scope: string): void;
    getOIDCScope(): string;
    save(ttl?: number): Promise<string>;
    destroy(): Promise<void>;
  }

  export class Check {
    constructor(reason: string, description: string, check: (ctx: KoaContext) => unknown);
    static REQUEST_PROMPT: boolean;
    static NO_NEED_TO_PROMPT: boolean;
  }
  export interface Prompt { name: string; checks: { add(check: Check, index?: number): void } }
  export interface Policy extends Array<Prompt> { get(name: string): Prompt }
  export const interactionPolicy: { base(): Policy; Check: typeof Check };

  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    proxy: boolean;
    issuer: string;
    Grant: typeof Grant;
    Client: { find(id: string): Promise<ClientLike | undefined> };
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<Interaction>;
    interactionResult(req: IncomingMessage, res: ServerResponse, result: Record<string, unknown>, options?: { mergeWithLastSubmission?: boolean }): Promise<string>;
    on(event: string, listener: (...args: any[]) => void): this;
    use(middleware: (ctx: KoaContext, next: () => Promise<void>) => Promise<void>): void;
  }
}
