-- oidc_token_bundle for many tokens in one statement: concurrent userinfo requests are read together (one round trip
-- and one function call for the lot). One row per token found, numbered by its place in p_ids (tokens not found,
-- expired or of another kind have no row); each token's throttle probe is its own: its keys are the entries of
-- p_throttle_keys whose p_throttle_owners is that place, with that place's failures and window.
CREATE FUNCTION oidc_token_bundles(p_kind text, p_ids text[], p_now timestamptz, p_throttle_keys text[], p_throttle_owners integer[],
  p_throttle_failures integer[], p_throttle_window_seconds integer[])
RETURNS TABLE (
  place integer, payload jsonb, consumed_at timestamptz, grant_payload jsonb, grant_consumed_at timestamptz, session_payload jsonb, session_consumed_at timestamptz,
  citizen_id uuid, disabled_at timestamptz, proofed_at timestamptz, document_type text, document_ciphertext text, profile json, throttle_counted boolean
) LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN QUERY
  SELECT r.place::integer, t.payload, t.consumed_at, g.payload, g.consumed_at, s.payload, s.consumed_at,
    c.id, c.disabled_at, c.proofed_at, c.document_type, c.document_ciphertext,
    CASE WHEN c.id IS NOT NULL THEN (
      SELECT coalesce(json_agg(json_build_object('field', f.field, 'value', f.value, 'verified', f.verified)), '[]'::json)
      FROM citizen_profile_fields f WHERE f.citizen_id = c.id) END,
    EXISTS (SELECT 1 FROM unnest(p_throttle_keys, p_throttle_owners) AS k(key, owner)
      JOIN throttle_counters tc ON tc.key = k.key
      WHERE k.owner = r.place AND tc.failures >= r.failures AND tc.window_start > p_now - make_interval(secs => r.window_seconds))
  FROM unnest(p_ids, p_throttle_failures, p_throttle_window_seconds) WITH ORDINALITY AS r(id, failures, window_seconds, place)
  JOIN oidc_models t ON t.kind = p_kind AND t.id = r.id AND (t.expires_at IS NULL OR t.expires_at > p_now)
  LEFT JOIN oidc_models g ON g.kind = 'Grant' AND g.id = t.payload->>'grantId' AND (g.expires_at IS NULL OR g.expires_at > p_now)
  LEFT JOIN oidc_models s ON s.kind = 'Session' AND s.uid = t.payload->>'sessionUid' AND (s.expires_at IS NULL OR s.expires_at > p_now)
  LEFT JOIN citizens c ON c.id = CASE WHEN t.payload->>'accountId' ~ '^[0-9a-fA-F-]{36}$' THEN (t.payload->>'accountId')::uuid END;
END
$$;
