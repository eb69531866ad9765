-- PL/pgSQL planned oidc_token_bundles afresh at every call: with the arrays' lengths known, each custom plan looked
-- cheaper than the generic one, so the cached plan was never used. Measured per statement on the embedded server:
-- one token 700-780 µs with a plan made at each call, 300 µs with the cached one; ten tokens 1.0-1.1 ms and 0.57-0.65 ms;
-- 64 tokens 3.1 ms and 2.5 ms. The generic plan (nested loops over the primary keys, like oidc_token_bundle's) serves any batch.
ALTER FUNCTION oidc_token_bundles(text, text[], timestamptz, text[], integer[], integer[], integer[]) SET plan_cache_mode = force_generic_plan;
