import { Type } from 'typebox';
import type { ModuleRoutes } from '../platform/services.ts';
import { LOCALES } from '../platform/i18n/index.ts';
import { LANGUAGE_COOKIE, LITE_COOKIE, rememberPreference } from '../platform/http/pages.ts';
import { safeReturnPath } from '../platform/http/return-path.ts';

const ReturnQuery = Type.Object({ return: Type.Optional(Type.String({ maxLength: 2048 })) });

/** Language and lite-mode switches: plain links that set a cookie and go back, so they work without JavaScript. */
export const uiRoutes: ModuleRoutes = async (app, services) => {
  app.get('/preferences/language/:locale', {
    schema: { hide: true, params: Type.Object({ locale: Type.Union(LOCALES.map((l) => Type.Literal(l))) }), querystring: ReturnQuery },
  }, async (request, reply) => {
    rememberPreference(reply, services.config, LANGUAGE_COOKIE, request.params.locale);
    return reply.redirect(safeReturnPath(request.query.return), 303);
  });
  app.get('/preferences/lite/:mode', {
    schema: { hide: true, params: Type.Object({ mode: Type.Union([Type.Literal('on'), Type.Literal('off')]) }), querystring: ReturnQuery },
  }, async (request, reply) => {
    rememberPreference(reply, services.config, LITE_COOKIE, request.params.mode === 'on' ? '1' : '0');
    return reply.redirect(safeReturnPath(request.query.return), 303);
  });
};
